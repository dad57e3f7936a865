import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { callProcedure, sessionOf } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import type { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { scheduleDeps } from '@/tests/support/activity';
import { readCalendarFeed } from '@/server/calendar/feed';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetingAttendees,
  meetingOccurrenceAnswers,
  meetingOccurrences,
  meetings,
  notifications,
} from '@/server/db/schema';
import { ConflictError, InvalidInputError, NotFoundError } from '@/server/errors';
import { describeNotification } from '@/server/notifications/describe';
import type { NotificationKind } from '@/server/notifications/kinds';
import { respondToMeeting } from '@/server/meetings/responses';
import { cancelMeeting, createMeeting, updateMeeting, type ScheduleDeps } from '@/server/meetings/schedule';
import type { CreateMeetingInput } from '@/server/meetings/inputs';

let database: TestDatabase;
let deps: ScheduleDeps;
let north: TestTenant;
let south: TestTenant;
const now = new Date('2026-03-02T08:00:00Z');
// Tuesdays 10:00 London, from 3 March 2026 (GMT) into British Summer Time (from 29 March).
const march = { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-04-06T00:00:00Z') };
const tue = (day: string, hourUtc = 10) => new Date(`2026-${day}T${String(hourUtc).padStart(2, '0')}:00:00Z`);

beforeAll(async () => {
  database = await useTestDatabase();
  deps = scheduleDeps(database.db, now);
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
});

function weekly(count = 5): CreateMeetingInput {
  return {
    kind: 'meeting',
    title: 'Weekly check-in',
    description: null,
    location: 'Room 2',
    onlineUrl: null,
    startsAt: tue('03-03'),
    endsAt: new Date('2026-03-03T10:45:00Z'),
    timeZone: 'Europe/London',
    attendeeUserIds: [north.learner.userId],
    guests: [],
    recurrence: { frequency: 'weekly', interval: 1, weekdays: [], ends: { type: 'count', count } },
  };
}

async function drawn(actor = north.tutor, range = march) {
  const feed = await readCalendarFeed(database.db, actor, range);
  return feed.meetings.map((m) => ({
    id: m.id,
    key: m.feedKey,
    startsAt: m.startsAt.toISOString(),
    status: m.status,
    title: m.title,
    myResponse: m.myResponse,
  }));
}

async function exceptionsOf(meetingId: string) {
  return database.db.select().from(meetingOccurrences).where(eq(meetingOccurrences.meetingId, meetingId));
}

async function latestNotification(userId: string) {
  const rows = await database.db.select().from(notifications).where(eq(notifications.userId, userId));
  const last = rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).at(-1);
  if (!last) throw new Error('no notification');
  const { text, href } = describeNotification(
    last.kind as NotificationKind,
    last.payload as Record<string, unknown>,
    {
      recipientUserId: userId,
      names: new Map(),
      zone: 'Europe/London',
      locale: 'en-GB',
    },
  );
  return { kind: last.kind, text, href, count: rows.length };
}

describe('recurring meetings in Tandem', () => {
  it('are created with an RRULE and drawn once per occurrence, at 10:00 London on both sides of the clock change', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    expect(created.recurrence).toEqual(['RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;COUNT=5']);
    const mine = (await drawn()).filter((m) => m.id === created.id);
    expect(mine.map((m) => m.startsAt)).toEqual([
      '2026-03-03T10:00:00.000Z',
      '2026-03-10T10:00:00.000Z',
      '2026-03-17T10:00:00.000Z',
      '2026-03-24T10:00:00.000Z',
      '2026-03-31T09:00:00.000Z',
    ]);
    expect(new Set(mine.map((m) => m.key)).size).toBe(5);
    // The learner sees the same occurrences; someone not invited sees none.
    expect((await drawn(north.learner)).filter((m) => m.id === created.id)).toHaveLength(5);
    expect((await drawn(north.otherLearner)).filter((m) => m.id === created.id)).toHaveLength(0);
  });

  it('moving one occurrence makes an exception, bumps the versions, resets that occurrence’s answers and tells the attendee which one moved', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    await respondToMeeting(database.db, north.learner, { id: created.id, response: 'accepted' }, now);
    const jobs = deps.jobs as RecordingDispatcher;
    jobs.clear();
    const moved = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: created.version,
      startsAt: new Date('2026-03-11T14:00:00Z'),
      endsAt: new Date('2026-03-11T14:45:00Z'),
      occurrence: { scope: 'occurrence', originalStartsAt: tue('03-10') },
    });
    expect(moved.version).toBe(created.version + 1);
    expect(moved.startsAt).toEqual(created.startsAt); // the series did not move
    expect(jobs.sentOf('tandem/meeting.changed')).toEqual([
      { tenantId: north.tenantId, meetingId: created.id, version: created.version + 1 },
    ]);
    const [exception] = await exceptionsOf(created.id);
    expect(exception).toMatchObject({
      originalStartsAt: tue('03-10'),
      status: 'scheduled',
      startsAt: new Date('2026-03-11T14:00:00Z'),
      title: null,
      version: created.version + 1,
      sequence: created.sequence + 1,
      updatedBy: north.tutor.userId,
      changedIn: 'tandem',
    });
    const answers = await database.db
      .select()
      .from(meetingOccurrenceAnswers)
      .where(eq(meetingOccurrenceAnswers.occurrenceId, exception?.id ?? ''));
    expect(answers.map((a) => a.response)).toEqual(['needs_action']);
    // The series answer stands; the moved occurrence asks again.
    const learner = (await drawn(north.learner)).filter((m) => m.id === created.id);
    expect(learner.map((m) => [m.startsAt, m.myResponse])).toEqual([
      ['2026-03-03T10:00:00.000Z', 'accepted'],
      ['2026-03-11T14:00:00.000Z', 'needs_action'],
      ['2026-03-17T10:00:00.000Z', 'accepted'],
      ['2026-03-24T10:00:00.000Z', 'accepted'],
      ['2026-03-31T09:00:00.000Z', 'accepted'],
    ]);
    const told = await latestNotification(north.learner.userId);
    expect(told.kind).toBe('meeting_updated');
    expect(told.text).toBe(
      'Weekly check-in on Tue 10 Mar, 10:00 moved to Wed 11 Mar, 14:00. Please answer again.',
    );
    // The link opens the calendar at that occurrence, not at the series' first.
    expect(told.href).toBe(
      `/calendar?meeting=${created.id}&at=${encodeURIComponent('2026-03-11T14:00:00.000Z')}`,
    );
    // Retitling it later keeps the move and its own SEQUENCE moves on.
    await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: moved.version,
      title: 'Check-in (CV review)',
      occurrence: { scope: 'occurrence', originalStartsAt: tue('03-10') },
    });
    const [retitled] = await exceptionsOf(created.id);
    expect(retitled).toMatchObject({
      startsAt: new Date('2026-03-11T14:00:00Z'),
      title: 'Check-in (CV review)',
      sequence: created.sequence + 2,
      version: created.version + 2,
    });
  });

  it('cancelling one occurrence marks only it cancelled, once', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    await cancelMeeting(deps, north.tutor, created.id, {
      scope: 'occurrence',
      originalStartsAt: tue('03-17'),
    });
    const before = await latestNotification(north.learner.userId);
    expect(before.text).toBe('Weekly check-in on Tue 17 Mar, 10:00 was cancelled');
    const again = await cancelMeeting(deps, north.tutor, created.id, {
      scope: 'occurrence',
      originalStartsAt: tue('03-17'),
    });
    expect(again.version).toBe(created.version + 1);
    expect((await latestNotification(north.learner.userId)).count).toBe(before.count);
    const mine = (await drawn()).filter((m) => m.id === created.id);
    expect(mine.map((m) => m.status)).toEqual([
      'scheduled',
      'scheduled',
      'cancelled',
      'scheduled',
      'scheduled',
    ]);
    expect(again.status).toBe('scheduled');
  });

  it('cancelling this and following ends the series before it and drops later exceptions', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    await cancelMeeting(deps, north.tutor, created.id, {
      scope: 'occurrence',
      originalStartsAt: tue('03-24'),
    });
    const after = await cancelMeeting(deps, north.tutor, created.id, {
      scope: 'following',
      originalStartsAt: tue('03-17'),
    });
    expect(after.recurrence).toEqual(['RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20260317T095959Z']);
    expect(after.version).toBe(created.version + 2);
    expect(await exceptionsOf(created.id)).toEqual([]);
    const mine = (await drawn()).filter((m) => m.id === created.id);
    expect(mine.map((m) => m.startsAt)).toEqual(['2026-03-03T10:00:00.000Z', '2026-03-10T10:00:00.000Z']);
    expect((await latestNotification(north.learner.userId)).text).toBe(
      'Weekly check-in was cancelled from Tue 17 Mar, 10:00 on',
    );
  });

  it('changing this and following splits the series: a new meeting with the same invitees carries the rest and the later exceptions', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    const cancelled = await cancelMeeting(deps, north.tutor, created.id, {
      scope: 'occurrence',
      originalStartsAt: tue('03-31', 9),
    });
    const jobs = deps.jobs as RecordingDispatcher;
    jobs.clear();
    // From 17 March on: an hour later, on Wednesdays.
    const continuation = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: cancelled.version,
      startsAt: new Date('2026-03-18T11:00:00Z'),
      endsAt: new Date('2026-03-18T11:45:00Z'),
      occurrence: { scope: 'following', originalStartsAt: tue('03-17') },
    });
    expect(continuation.id).not.toBe(created.id);
    expect(continuation.icalUid).not.toBe(created.icalUid);
    expect(continuation.recurrence).toEqual(['RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=WE;COUNT=3']);
    expect(continuation.attendees.map((a) => [a.userId, a.response])).toEqual([
      [north.learner.userId, 'needs_action'],
    ]);
    const original = await database.db.select().from(meetings).where(eq(meetings.id, created.id));
    expect(original[0]?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20260317T095959Z']);
    expect(original[0]?.version).toBe(cancelled.version + 1);
    expect(jobs.sentOf('tandem/meeting.changed')).toEqual([
      { tenantId: north.tenantId, meetingId: created.id, version: cancelled.version + 1 },
      { tenantId: north.tenantId, meetingId: continuation.id, version: continuation.version },
    ]);
    // The cancelled 31 March (10:00 BST) moved with the rest: now Wednesday 1 April, 11:00 BST.
    expect(await exceptionsOf(created.id)).toEqual([]);
    const [carried] = await exceptionsOf(continuation.id);
    expect(carried).toMatchObject({
      originalStartsAt: new Date('2026-04-01T10:00:00Z'),
      status: 'cancelled',
    });
    const all = (await drawn()).filter((m) => m.id === created.id || m.id === continuation.id);
    expect(all.map((m) => [m.startsAt, m.status])).toEqual([
      ['2026-03-03T10:00:00.000Z', 'scheduled'],
      ['2026-03-10T10:00:00.000Z', 'scheduled'],
      ['2026-03-18T11:00:00.000Z', 'scheduled'],
      ['2026-03-25T11:00:00.000Z', 'scheduled'],
      ['2026-04-01T10:00:00.000Z', 'cancelled'],
    ]);
    expect((await latestNotification(north.learner.userId)).text).toBe(
      'Weekly check-in on Tue 17 Mar, 10:00 and later moved to Wed 18 Mar, 11:00. Please answer again.',
    );
  });

  // Found by the convergence fuzz (issue 12): the rest of a series already ended before 24 March,
  // moved an hour earlier, took the cancelled 24 March back (09:00 is before the old UNTIL 09:59:59).
  it('a series ended before an occurrence and then moved earlier does not take that occurrence back', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    const ended = await cancelMeeting(deps, north.tutor, created.id, {
      scope: 'following',
      originalStartsAt: tue('03-24'),
    });
    const continuation = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: ended.version,
      startsAt: tue('03-17', 9),
      endsAt: new Date('2026-03-17T09:45:00Z'),
      occurrence: { scope: 'following', originalStartsAt: tue('03-17') },
    });
    expect(continuation.recurrence).toEqual(['RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;UNTIL=20260324T085959Z']);
    const mine = (await drawn()).filter((m) => m.id === continuation.id);
    expect(mine.map((m) => m.startsAt)).toEqual(['2026-03-17T09:00:00.000Z']);
    // The same for the whole series moved earlier.
    const series = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: ended.version + 1,
      startsAt: tue('03-03', 9),
      endsAt: new Date('2026-03-03T09:45:00Z'),
    });
    expect((await drawn()).filter((m) => m.id === series.id).map((m) => m.startsAt)).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-10T09:00:00.000Z',
    ]);
  });

  it('moving all occurrences shifts the series and the exceptions that followed it, keeping one moved on its own', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    const cancelled = await cancelMeeting(deps, north.tutor, created.id, {
      scope: 'occurrence',
      originalStartsAt: tue('03-10'),
    });
    const movedOne = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: cancelled.version,
      startsAt: new Date('2026-03-19T15:00:00Z'),
      endsAt: new Date('2026-03-19T15:45:00Z'),
      occurrence: { scope: 'occurrence', originalStartsAt: tue('03-17') },
    });
    // Dragging the 24 March occurrence an hour later, for all occurrences.
    const series = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: movedOne.version,
      startsAt: tue('03-24', 11),
      endsAt: new Date('2026-03-24T11:45:00Z'),
      occurrence: { scope: 'series', originalStartsAt: tue('03-24') },
    });
    expect(series.startsAt).toEqual(tue('03-03', 11));
    const rows = (await exceptionsOf(created.id)).sort(
      (a, b) => a.originalStartsAt.getTime() - b.originalStartsAt.getTime(),
    );
    expect(
      rows.map((r) => [r.originalStartsAt.toISOString(), r.startsAt.toISOString(), r.status, r.version]),
    ).toEqual([
      ['2026-03-10T11:00:00.000Z', '2026-03-10T11:00:00.000Z', 'cancelled', series.version],
      ['2026-03-17T11:00:00.000Z', '2026-03-19T15:00:00.000Z', 'scheduled', series.version],
    ]);
    const mine = (await drawn()).filter((m) => m.id === created.id);
    expect(mine.map((m) => [m.startsAt, m.status])).toEqual([
      ['2026-03-03T11:00:00.000Z', 'scheduled'],
      ['2026-03-10T11:00:00.000Z', 'cancelled'],
      ['2026-03-19T15:00:00.000Z', 'scheduled'],
      ['2026-03-24T11:00:00.000Z', 'scheduled'],
      ['2026-03-31T10:00:00.000Z', 'scheduled'],
    ]);
    // The form opened on the moved occurrence, saved for all with its times untouched: only the title changes.
    const renamed = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: series.version,
      title: 'Weekly catch-up',
      startsAt: new Date('2026-03-19T15:00:00Z'),
      endsAt: new Date('2026-03-19T15:45:00Z'),
      occurrence: { scope: 'series', originalStartsAt: tue('03-17', 11) },
    });
    expect([renamed.startsAt, renamed.endsAt, renamed.title]).toEqual([
      tue('03-03', 11),
      new Date('2026-03-03T11:45:00Z'),
      'Weekly catch-up',
    ]);
  });

  it('draws each occurrence once: the series copy and its moved instance in the learner’s calendar are not drawn beside them', async () => {
    const created = await createMeeting(deps, north.tutor, weekly(3));
    const moved = await updateMeeting(deps, north.tutor, {
      id: created.id,
      version: created.version,
      startsAt: new Date('2026-03-12T09:00:00Z'),
      endsAt: new Date('2026-03-12T09:45:00Z'),
      occurrence: { scope: 'occurrence', originalStartsAt: tue('03-10') },
    });
    const [connection] = await database.db
      .insert(calendarConnections)
      .values({
        tenantId: north.tenantId,
        userId: north.learner.userId,
        provider: 'google',
        accountEmail: `learner-${created.id}@example.test`,
        encryptedCredentials: 'v1.unused',
      })
      .returning();
    const [calendar] = await database.db
      .insert(calendars)
      .values({
        tenantId: north.tenantId,
        connectionId: connection?.id ?? '',
        externalId: `primary-${created.id}`,
        name: 'Learner',
        color: '#3366cc',
        show: true,
        isPrimary: true,
      })
      .returning();
    const copy = {
      tenantId: north.tenantId,
      calendarId: calendar?.id ?? '',
      icalUid: created.icalUid,
      status: 'confirmed' as const,
      title: 'Weekly check-in',
      timeZone: 'Europe/London',
    };
    await database.db.insert(externalEvents).values([
      {
        ...copy,
        externalId: 'series',
        startAt: created.startsAt,
        endAt: created.endsAt,
        recurrence: created.recurrence,
        seriesEndAt: new Date('2026-03-17T10:45:00Z'),
      },
      {
        ...copy,
        externalId: 'series_20260310T100000Z',
        seriesExternalId: 'series',
        startAt: new Date('2026-03-12T09:00:00Z'),
        endAt: new Date('2026-03-12T09:45:00Z'),
        originalStartAt: tue('03-10'),
      },
    ]);
    const feed = await readCalendarFeed(database.db, north.learner, march);
    expect(feed.meetings.filter((m) => m.id === created.id).map((m) => m.startsAt.toISOString())).toEqual([
      '2026-03-03T10:00:00.000Z',
      '2026-03-12T09:00:00.000Z',
      '2026-03-17T10:00:00.000Z',
    ]);
    expect(feed.externalEvents.filter((event) => event.calendarId === calendar?.id)).toEqual([]);
    expect(moved.version).toBe(created.version + 1);
  });

  it('refuses an occurrence the series does not have, a stale version, and invitee changes for one occurrence', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    const at = (originalStartsAt: Date) => ({ scope: 'occurrence' as const, originalStartsAt });
    await expect(
      updateMeeting(deps, north.tutor, {
        id: created.id,
        version: created.version,
        title: 'x',
        occurrence: at(tue('03-11')),
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(cancelMeeting(deps, north.tutor, created.id, at(tue('04-07', 9)))).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      updateMeeting(deps, north.tutor, {
        id: created.id,
        version: created.version - 1,
        title: 'x',
        occurrence: at(tue('03-10')),
      }),
    ).rejects.toThrow(ConflictError);
    await expect(
      updateMeeting(deps, north.tutor, {
        id: created.id,
        version: created.version,
        attendeeUserIds: [north.otherLearner.userId],
        occurrence: at(tue('03-10')),
      }),
    ).rejects.toThrow(InvalidInputError);
    const attendees = await database.db
      .select()
      .from(meetingAttendees)
      .where(and(eq(meetingAttendees.meetingId, created.id)));
    expect(attendees.map((a) => a.userId)).toEqual([north.learner.userId]);
  });

  it('through the API: another tenant’s tutor gets NOT_FOUND, bad recurrence input a clear BAD_REQUEST', async () => {
    const created = await createMeeting(deps, north.tutor, weekly());
    const occurrence = { scope: 'occurrence', originalStartsAt: tue('03-10') };
    const cancel = await callProcedure(database.db, sessionOf(south.tutor), 'meetings.cancel', {
      id: created.id,
      occurrence,
    });
    expect(cancel.ok ? 'ok' : cancel.error.code).toBe('NOT_FOUND');
    const update = await callProcedure(database.db, sessionOf(south.tutor), 'meetings.update', {
      id: created.id,
      version: created.version,
      title: 'Taken over',
      occurrence,
    });
    expect(update.ok ? 'ok' : update.error.code).toBe('NOT_FOUND');
    expect(await exceptionsOf(created.id)).toEqual([]);

    const base = weekly();
    const refused = async (recurrence: unknown) => {
      const outcome = await callProcedure(database.db, sessionOf(north.tutor), 'meetings.create', {
        ...base,
        recurrence,
      });
      if (outcome.ok) throw new Error('accepted');
      return [outcome.error.code, outcome.error.message];
    };
    expect((await refused({ frequency: 'yearly' }))[0]).toBe('BAD_REQUEST');
    expect((await refused({ frequency: 'weekly', interval: 0 }))[1]).toContain('Repeat at least every 1');
    expect((await refused({ frequency: 'monthly', weekdays: ['MO'] }))[1]).toContain(
      'Weekdays can be chosen only for a weekly meeting',
    );
    expect(await refused({ frequency: 'weekly', ends: { type: 'until', date: '2026-03-01' } })).toEqual([
      'BAD_REQUEST',
      'The series must end on or after its first date',
    ]);
    const badScope = await callProcedure(database.db, sessionOf(north.tutor), 'meetings.cancel', {
      id: created.id,
      occurrence: { scope: 'this', originalStartsAt: tue('03-10') },
    });
    expect(badScope.ok ? 'ok' : badScope.error.message).toContain(
      'Choose this occurrence, this and following, or all',
    );
  });
});
