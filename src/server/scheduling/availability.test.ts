import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetingAttendees,
  tenants,
  users,
} from '@/server/db/schema';
import { createMeeting } from '@/server/meetings/schedule';
import { createTask } from '@/server/tasks/tasks';
import { meetingInput, scheduleDeps } from '@/tests/support/activity';
import { seedConnection, type SeededConnection } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { readAvailability } from './availability';
import type { PersonAvailability } from './contract';

/*
 * The availability function over mirror rows written as sync leaves them: what counts, what does
 * not, and in whose zone. The emulator-backed suite (tests/integration/scheduling-mirror.test.ts)
 * shows the same through real syncs.
 */

const NOW = new Date('2026-03-02T08:00:00Z');
let database: TestDatabase;
let tenant: TestTenant;
let learnerCalendars: SeededConnection;

async function mirror(
  calendarId: string,
  row: Partial<typeof externalEvents.$inferInsert> & { externalId: string },
) {
  await database.db.insert(externalEvents).values({
    tenantId: tenant.tenantId,
    calendarId,
    status: 'confirmed',
    title: `secret ${row.externalId}`,
    startAt: new Date('2026-03-03T09:00:00Z'),
    endAt: new Date('2026-03-03T10:00:00Z'),
    ...row,
  });
}

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'avail');
  // The learner lives in New York; the tutor in London.
  await database.db
    .update(users)
    .set({ timeZone: 'America/New_York' })
    .where(eq(users.id, tenant.learner.userId));
  learnerCalendars = await seedConnection(database.db, tenant.learner, 'avail-learner');
  await database.db
    .update(calendars)
    .set({ lastSyncedAt: NOW })
    .where(eq(calendars.connectionId, learnerCalendars.connectionId));
  // The holidays calendar is hidden from the learner's Calendar page but still counts as busy.
  await database.db
    .update(calendars)
    .set({ show: false })
    .where(eq(calendars.id, learnerCalendars.readOnlyCalendarId));
  const work = learnerCalendars.writableCalendarId;
  const holidays = learnerCalendars.readOnlyCalendarId;
  await mirror(work, {
    externalId: 'transparent',
    startAt: at('2026-03-04T14:00Z'),
    endAt: at('2026-03-04T15:00Z'),
    transparency: 'transparent',
  });
  await mirror(work, {
    externalId: 'free',
    startAt: at('2026-03-04T16:00Z'),
    endAt: at('2026-03-04T17:00Z'),
    showAs: 'free',
  });
  await mirror(work, {
    externalId: 'elsewhere',
    startAt: at('2026-03-04T18:00Z'),
    endAt: at('2026-03-04T19:00Z'),
    showAs: 'working_elsewhere',
  });
  await mirror(work, {
    externalId: 'maybe',
    startAt: at('2026-03-04T19:00Z'),
    endAt: at('2026-03-04T20:00Z'),
    showAs: 'tentative',
  });
  await mirror(work, {
    externalId: 'declined',
    startAt: at('2026-03-04T20:00Z'),
    endAt: at('2026-03-04T21:00Z'),
    attendees: [{ email: 'avail-learner@dav.example.test', name: null, response: 'declined' }],
  });
  // All-day out of office on Thursday 5 March: midnight to midnight in New York.
  await mirror(holidays, {
    externalId: 'leave',
    allDay: true,
    startDate: '2026-03-05',
    endDate: '2026-03-06',
    startAt: at('2026-03-05T00:00Z'),
    endAt: at('2026-03-06T00:00Z'),
    showAs: 'oof',
  });
  // A weekly 09:00 New York class from Monday 2 March; New York springs forward on Sunday 8 March.
  await mirror(work, {
    externalId: 'class',
    startAt: at('2026-03-02T14:00Z'),
    endAt: at('2026-03-02T15:00Z'),
    timeZone: 'America/New_York',
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    seriesEndAt: at('2026-03-23T14:00Z'),
  });
  // Its second occurrence is cancelled at the provider.
  await mirror(work, {
    externalId: 'class_20260316',
    status: 'cancelled',
    seriesExternalId: 'class',
    originalStartAt: at('2026-03-16T13:00Z'),
    startAt: at('2026-03-16T13:00Z'),
    endAt: at('2026-03-16T14:00Z'),
  });
  await createTask(database.db, tenant.learner, {
    title: 'secret learner task',
    notes: null,
    dueAt: at('2026-03-06T15:00Z'),
    durationMinutes: 60,
  });
});

function at(iso: string): Date {
  return new Date(iso);
}

function stateAt(person: PersonAvailability | undefined, iso: string) {
  const moment = Date.parse(iso);
  const found = person?.intervals.find((i) => Date.parse(i.start) <= moment && Date.parse(i.end) > moment);
  return found?.state === 'unknown' ? `unknown:${found.reason}` : found?.state;
}

const deps = () => ({ db: database.db, now: () => NOW });
const WEEKS = { from: '2026-03-02T00:00:00Z', to: '2026-03-23T00:00:00Z' };

describe('readAvailability over the mirror', () => {
  it('respects transparency, show-as, the owner’s own answer and hidden-but-busy calendars', async () => {
    const { people } = await readAvailability(deps(), tenant.tutor, {
      userIds: [tenant.learner.userId],
      optionalUserIds: [],
      ...WEEKS,
    });
    const learner = people[1];
    expect(stateAt(learner, '2026-03-04T14:30:00Z')).toBe('free');
    expect(stateAt(learner, '2026-03-04T16:30:00Z')).toBe('free');
    expect(stateAt(learner, '2026-03-04T18:30:00Z')).toBe('working_elsewhere');
    expect(stateAt(learner, '2026-03-04T19:30:00Z')).toBe('tentative');
    // 15:00–16:00 New York is inside their 09:00–17:00, and they declined the 20:00 UTC one.
    expect(stateAt(learner, '2026-03-04T20:30:00Z')).toBe('free');
    // All-day leave covers the learner's own day, in their zone: 05:00 UTC Thursday to 05:00 UTC Friday.
    expect(stateAt(learner, '2026-03-05T04:30:00Z')).toBe('outside_working_hours');
    expect(stateAt(learner, '2026-03-05T05:30:00Z')).toBe('out_of_office');
    expect(stateAt(learner, '2026-03-06T04:30:00Z')).toBe('out_of_office');
    expect(stateAt(learner, '2026-03-06T15:30:00Z')).toBe('busy');
  });

  it('expands a series in its own zone across DST, with a cancelled occurrence removed', async () => {
    const { people } = await readAvailability(deps(), tenant.tutor, {
      userIds: [tenant.learner.userId],
      optionalUserIds: [],
      ...WEEKS,
    });
    const learner = people[1];
    expect(stateAt(learner, '2026-03-02T14:30:00Z')).toBe('busy');
    // After the change 09:00 New York is 13:00 UTC.
    expect(stateAt(learner, '2026-03-09T13:30:00Z')).toBe('busy');
    expect(stateAt(learner, '2026-03-09T14:30:00Z')).toBe('free');
    expect(stateAt(learner, '2026-03-16T13:30:00Z')).toBe('free');
    // Working hours move with the clocks too: 09:00 New York.
    expect(stateAt(learner, '2026-03-10T13:30:00Z')).toBe('free');
    expect(stateAt(learner, '2026-03-03T13:30:00Z')).toBe('outside_working_hours');
  });

  it('keeps others’ titles on the server and the viewer’s own on theirs', async () => {
    const result = await readAvailability(deps(), tenant.tutor, {
      userIds: [tenant.learner.userId],
      optionalUserIds: [],
      ...WEEKS,
    });
    expect(JSON.stringify(result.people[1])).not.toMatch(/secret|"title"/);
    const own = await readAvailability(deps(), tenant.learner, {
      userIds: [tenant.learner.userId],
      optionalUserIds: [],
      ...WEEKS,
    });
    expect(JSON.stringify(own.people[0])).toMatch(/secret class/);
  });

  it('counts Tandem’s meetings once, by the attendee’s answer and the tenant’s setting for unanswered ones', async () => {
    const meeting = await createMeeting(scheduleDeps(database.db, NOW), tenant.tutor, {
      ...meetingInput([tenant.learner.userId, tenant.otherLearner.userId], 'secret review'),
      startsAt: at('2026-03-11T15:00:00Z'),
      endsAt: at('2026-03-11T16:00:00Z'),
    });
    // The learner's own copy of it in their mirror, busy: Tandem's record decides, not the copy.
    await mirror(learnerCalendars.writableCalendarId, {
      externalId: 'copy',
      icalUid: meeting.icalUid,
      startAt: at('2026-03-11T15:00:00Z'),
      endAt: at('2026-03-11T16:00:00Z'),
    });
    const ask = async () =>
      (
        await readAvailability(deps(), tenant.tutor, {
          userIds: [tenant.learner.userId, tenant.otherLearner.userId],
          optionalUserIds: [],
          ...WEEKS,
        })
      ).people;
    let [tutor, learner, other] = await ask();
    expect(stateAt(tutor, '2026-03-11T15:30:00Z')).toBe('busy');
    expect(stateAt(learner, '2026-03-11T15:30:00Z')).toBe('tentative');
    await database.db
      .update(tenants)
      .set({ unansweredInvitationsCountAs: 'busy' })
      .where(eq(tenants.id, tenant.tenantId));
    [tutor, learner, other] = await ask();
    expect(stateAt(learner, '2026-03-11T15:30:00Z')).toBe('busy');
    expect(stateAt(other, '2026-03-11T15:30:00Z')).toBe('busy');
    await database.db
      .update(meetingAttendees)
      .set({ response: 'declined' })
      .where(eq(meetingAttendees.meetingId, meeting.id));
    [tutor, learner, other] = await ask();
    expect(stateAt(learner, '2026-03-11T15:30:00Z')).toBe('free');
    expect(stateAt(other, '2026-03-11T15:30:00Z')).toBe('unknown:no_calendar_connected');
  });

  it('says why it knows nothing: needs reconnecting', async () => {
    await database.db
      .update(calendarConnections)
      .set({ status: 'needs_reauth' })
      .where(eq(calendarConnections.id, learnerCalendars.connectionId));
    const { people } = await readAvailability(deps(), tenant.tutor, {
      userIds: [tenant.learner.userId],
      optionalUserIds: [],
      ...WEEKS,
    });
    expect(stateAt(people[1], '2026-03-04T14:30:00Z')).toBe('unknown:needs_reconnecting');
    // What the mirror still holds keeps showing.
    expect(stateAt(people[1], '2026-03-04T19:30:00Z')).toBe('tentative');
    await database.db
      .update(calendarConnections)
      .set({ status: 'active' })
      .where(eq(calendarConnections.id, learnerCalendars.connectionId));
  });
});
