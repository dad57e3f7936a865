/**
 * Edges of the organiser's changes (DESIGN.md §4 rule 5), against the emulators (Google,
 * Microsoft, Exchange Server) and a real Radicale: SEQUENCE raised by the organiser's calendar app
 * is never undercut by Tandem; a cancellation in Tandem meeting a 412 (Exchange: a stale
 * ChangeKey); a deletion in the calendar while Tandem's edit is unwritten; a copy made all-day, or
 * made a series, in the provider.
 *
 * Exchange is not in two of them: its AppointmentSequenceNumber is kept by the server, not
 * written by clients (the SEQUENCE case is a CalDAV client's), and an Exchange mailbox is one
 * calendar folder here (EWS emulator README), so there is no other calendar to move the copy to.
 */
import { and, eq, ne } from 'drizzle-orm';
import { TESTBED_SEED } from '@/emulators/google/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendars, meetings } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { cancelMeeting, updateMeeting } from '@/server/meetings/schedule';
import { describeNotification } from '@/server/notifications/describe';
import type { NotificationKind } from '@/server/notifications/kinds';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase } from '@/tests/support/database';
import {
  deliveryMailTo,
  ewsCopies,
  googleCopies,
  microsoftCopies,
  radicaleObjects,
  send,
} from '@/tests/support/delivery-checks';
import {
  EWS_ACCOUNTS,
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import {
  notificationsOf,
  organizerCopyId,
  organizersCalendar,
  rewrite,
  syncOf,
} from '@/tests/support/organizer-calendar';

let t: DeliveryTestbed;

/** The organiser's Google account has a second calendar, to move the copy into. */
const SECOND_CALENDAR = 'Tutoring';

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'converge-edges', {
    googleSeed: {
      ...TESTBED_SEED,
      accounts: TESTBED_SEED.accounts.map((account) =>
        account.email === GOOGLE_ACCOUNTS.organizer
          ? { ...account, calendars: [{ name: SECOND_CALENDAR }] }
          : account,
      ),
    },
  });
}, 60_000);
afterAll(() => t.close());

const HOUR = 3_600_000;

function sequenceIn(content: string | undefined): number {
  return Number(/\nSEQUENCE:(\d+)/.exec(content ?? '')?.[1] ?? Number.NaN);
}

async function storedSequence(meetingId: string): Promise<number> {
  const [row] = await t.database.db
    .select({ sequence: meetings.sequence })
    .from(meetings)
    .where(eq(meetings.id, meetingId));
  return row?.sequence ?? Number.NaN;
}

/** The organiser and the learner on one provider, which invites the learner itself. */
const ACCOUNTS: Record<'google' | 'microsoft' | 'ews', { organizer: string; learner: string }> = {
  google: { organizer: GOOGLE_ACCOUNTS.organizer, learner: GOOGLE_ACCOUNTS.attendee },
  microsoft: { organizer: MICROSOFT_ACCOUNTS.organizer, learner: MICROSOFT_ACCOUNTS.attendee },
  ews: { organizer: EWS_ACCOUNTS.organizer, learner: EWS_ACCOUNTS.attendee },
};
const PLACE: Record<'google' | 'microsoft' | 'ews', string> = {
  google: 'Google Calendar',
  microsoft: 'Outlook',
  ews: 'Outlook',
};

/** Live copies of the meeting in that provider's store, read directly. */
function liveCopies(kind: 'google' | 'microsoft' | 'ews', account: string, icalUid: string): unknown[] {
  if (kind === 'google') return googleCopies(t, account, icalUid);
  if (kind === 'microsoft') return microsoftCopies(t, account, icalUid);
  return ewsCopies(t, account, icalUid);
}

function textOf(row: { kind: string; payload: unknown }, recipient: Actor) {
  return describeNotification(row.kind as NotificationKind, row.payload as Record<string, unknown>, {
    recipientUserId: recipient.userId,
    names: new Map(),
    zone: 'Europe/London',
    locale: 'en-GB',
  }).text;
}

describe('SEQUENCE raised by the organiser’s CalDAV client', () => {
  it('Tandem’s next iMIP and write of the copy never go below it', async () => {
    const tenant = await t.freshTenant('sequence');
    const organizer = RADICALE_USERS[1];
    const tutorCalendar = await t.connect(tenant.tutor, 'caldav', organizer.address);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    t.mail.clear();
    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    const copyId = await organizerCopyId(t, meeting.id);

    // The client moves it and jumps SEQUENCE well past Tandem's.
    let current = await provider.getEvent(externalCalendarId, copyId);
    const jumped = (current.sequence ?? 0) + 5;
    const start = new Date(meeting.startsAt.getTime() + HOUR);
    const end = new Date(meeting.endsAt.getTime() + HOUR);
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      rewrite(current, { time: { kind: 'timed', start, end, timeZone: 'Europe/London' }, sequence: jumped }),
      { etag: current.etag },
    );
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(await storedSequence(meeting.id)).toBe(jumped);
    const [update] = deliveryMailTo(t, GOOGLE_ACCOUNTS.attendee);
    expect(update?.calendar?.method).toBe('REQUEST');
    expect(sequenceIn(update?.calendar?.content)).toBe(jumped);

    // Then only the description, SEQUENCE up again: nothing to tell anyone, but the number is kept.
    const moved = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    const told = (await notificationsOf(t, tenant.learner)).length;
    current = await provider.getEvent(externalCalendarId, copyId);
    const again = jumped + 3;
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      rewrite(current, { description: 'Bring last term’s essays', sequence: again }),
      { etag: current.etag },
    );
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).version).toBe(moved.version);
    expect(await notificationsOf(t, tenant.learner)).toHaveLength(told);
    expect(await storedSequence(meeting.id)).toBe(again);

    // Tandem's own edit now goes above the client's number, in the copy and in the iMIP.
    t.mail.clear();
    await updateMeeting(t.schedule, tenant.tutor, {
      id: meeting.id,
      version: moved.version,
      title: 'Renamed in Tandem',
    });
    await t.driver.idle();
    const [vevent] = await radicaleObjects(t, organizer.username, moved.icalUid);
    expect(vevent?.getFirstPropertyValue('summary')).toBe('Renamed in Tandem');
    expect(Number(vevent?.getFirstPropertyValue('sequence'))).toBeGreaterThan(again);
    const [renamed] = deliveryMailTo(t, GOOGLE_ACCOUNTS.attendee);
    expect(sequenceIn(renamed?.calendar?.content)).toBeGreaterThan(again);
  });
});

describe.each(['google', 'ews'] as const)('both sides at once (%s)', (kind) => {
  it('Tandem cancels while the organiser’s edit in the calendar is unseen: the 412 is re-read and the cancellation wins', async () => {
    const tenant = await t.freshTenant(`cancel-412-${kind}`);
    const tutorCalendar = await t.connect(tenant.tutor, kind, ACCOUNTS[kind].organizer);
    await t.connect(tenant.learner, kind, ACCOUNTS[kind].learner);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    const toldBefore = (await notificationsOf(t, tenant.learner)).length;
    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    const copyId = await organizerCopyId(t, meeting.id);
    const current = await provider.getEvent(externalCalendarId, copyId);
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      rewrite(current, { title: `Renamed in ${PLACE[kind]}` }),
      { etag: current.etag },
    );

    // Tandem's cancellation carries the etag it last saw (Exchange: the ChangeKey), now stale.
    await cancelMeeting(t.schedule, tenant.tutor, meeting.id);
    await t.driver.idle();
    expect(liveCopies(kind, ACCOUNTS[kind].organizer, meeting.icalUid)).toHaveLength(0);
    expect(liveCopies(kind, ACCOUNTS[kind].learner, meeting.icalUid)).toHaveLength(0);

    // The sync that follows sees the cancelled copy: the meeting stays cancelled, nobody told twice.
    const synced = await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(synced.converged?.updated).toEqual([]);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.status).toBe('cancelled');
    expect(after.title).toBe(meeting.title);
    const told = (await notificationsOf(t, tenant.learner)).slice(toldBefore);
    expect(told.map((row) => row.kind)).toEqual(['meeting_cancelled']);
  });
});

describe.each(['microsoft', 'ews'] as const)('both sides at once (%s)', (kind) => {
  it('the organiser deletes it in Outlook while Tandem’s edit is unwritten: cancelled, the Tandem editor told', async () => {
    const tenant = await t.freshTenant(`delete-unwritten-${kind}`);
    const tutorCalendar = await t.connect(tenant.tutor, kind, ACCOUNTS[kind].organizer);
    await t.connect(tenant.learner, kind, ACCOUNTS[kind].learner);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    const toldBefore = (await notificationsOf(t, tenant.learner)).length;

    const held: unknown[] = [];
    await updateMeeting(
      { ...t.schedule, jobs: { send: async (events) => void held.push(events) } },
      tenant.tutor,
      { id: meeting.id, version: meeting.version, title: 'Renamed in Tandem' },
    );
    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    await provider.cancelEvent(externalCalendarId, await organizerCopyId(t, meeting.id));
    const synced = await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(synced.converged?.cancelled).toEqual([meeting.id]);
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).status).toBe('cancelled');
    const overridden = (await notificationsOf(t, tenant.tutor)).filter(
      (row) => row.kind === 'meeting_change_overridden',
    );
    expect(overridden).toHaveLength(1);
    expect(textOf(overridden[0]!, tenant.tutor)).toMatch(
      /^Your change to .* in Tandem was replaced by .* in Outlook/,
    );

    // The held delivery of the edit runs late: it finds the meeting cancelled and brings nothing back.
    await t.driver.send({
      name: 'tandem/meeting.changed',
      data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: meeting.version + 1 },
    });
    await t.driver.idle();
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.status).toBe('cancelled');
    expect(liveCopies(kind, ACCOUNTS[kind].learner, meeting.icalUid)).toHaveLength(0);
    // Told of Tandem's edit when it was made, then of the cancellation: once each.
    const told = (await notificationsOf(t, tenant.learner)).slice(toldBefore);
    expect(told.map((row) => row.kind)).toEqual(['meeting_updated', 'meeting_cancelled']);
  });
});

describe.each(['google', 'ews'] as const)('the organiser reshapes the copy in %s', (kind) => {
  it('made all-day: the meeting keeps its time, the copy is put back, the organiser told once', async () => {
    const tenant = await t.freshTenant(`all-day-${kind}`);
    const tutorCalendar = await t.connect(tenant.tutor, kind, ACCOUNTS[kind].organizer);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    const copyId = await organizerCopyId(t, meeting.id);
    const current = await provider.getEvent(externalCalendarId, copyId);
    const day = meeting.startsAt.toISOString().slice(0, 10);
    const next = new Date(meeting.startsAt.getTime() + 24 * HOUR).toISOString().slice(0, 10);
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      rewrite(current, { time: { kind: 'allDay', startDate: day, endDate: next } }),
      { etag: current.etag },
    );

    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.startsAt.getTime()).toBe(meeting.startsAt.getTime());
    expect(after.endsAt.getTime()).toBe(meeting.endsAt.getTime());
    const copy = await provider.getEvent(externalCalendarId, copyId);
    expect(copy.time).toMatchObject({ kind: 'timed', start: meeting.startsAt, end: meeting.endsAt });
    const kept = (await notificationsOf(t, tenant.tutor)).filter(
      (row) => row.kind === 'meeting_change_overridden',
    );
    expect(kept).toHaveLength(1);
    expect(textOf(kept[0]!, tenant.tutor)).toMatch(
      new RegExp(`stays a timed meeting on .*: making it all-day in ${PLACE[kind]} was undone there$`),
    );

    // Our write back is an echo: the next sync changes and tells nothing.
    const tutorTold = (await notificationsOf(t, tenant.tutor)).length;
    const learnerTold = (await notificationsOf(t, tenant.learner)).length;
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).version).toBe(after.version);
    expect(await notificationsOf(t, tenant.tutor)).toHaveLength(tutorTold);
    expect(await notificationsOf(t, tenant.learner)).toHaveLength(learnerTold);
  });

  it('made weekly: the meeting becomes that series, the attendee told once', async () => {
    const tenant = await t.freshTenant(`made-weekly-${kind}`);
    const tutorCalendar = await t.connect(tenant.tutor, kind, ACCOUNTS[kind].organizer);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    const toldBefore = (await notificationsOf(t, tenant.learner)).length;
    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    const copyId = await organizerCopyId(t, meeting.id);
    const current = await provider.getEvent(externalCalendarId, copyId);
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      rewrite(current, { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] }),
      { etag: current.etag },
    );

    const synced = await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(synced.converged?.updated).toEqual([meeting.id]);
    const [stored] = await t.database.db.select().from(meetings).where(eq(meetings.id, meeting.id));
    // Exchange keeps a weekly pattern with its days (WeeklyRecurrence's DaysOfWeek is required):
    // the rule comes back naming the start's weekday, the same series.
    const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: meeting.timeZone })
      .format(meeting.startsAt)
      .slice(0, 2)
      .toUpperCase();
    expect(stored?.recurrence).toEqual([
      kind === 'ews' ? `RRULE:FREQ=WEEKLY;BYDAY=${weekday};COUNT=4` : 'RRULE:FREQ=WEEKLY;COUNT=4',
    ]);
    expect(stored?.startsAt.getTime()).toBe(meeting.startsAt.getTime());
    const told = (await notificationsOf(t, tenant.learner)).slice(toldBefore);
    expect(told.map((row) => row.kind)).toEqual(['meeting_updated']);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(await notificationsOf(t, tenant.learner)).toHaveLength(toldBefore + 1);
  });
});

describe('the organiser moves the copy to another of their Google calendars', () => {
  it('the link follows it: nothing is cancelled, and Tandem’s next edit goes there, not to a new copy', async () => {
    const tenant = await t.freshTenant('re-placed');
    const tutorCalendar = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const [other] = await t.database.db
      .select({ id: calendars.id, externalId: calendars.externalId })
      .from(calendars)
      .where(
        and(
          eq(calendars.connectionId, tutorCalendar.connectionId),
          ne(calendars.id, tutorCalendar.calendarId),
        ),
      );
    if (!other) throw new Error('the second calendar was not listed');
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    await syncOf(t, tenant.tenantId, other.id);
    const toldBefore = (await notificationsOf(t, tenant.learner)).length;

    // Google's "move to" as the API shows it: the event is in the other calendar, gone from this one.
    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    const copyId = await organizerCopyId(t, meeting.id);
    const current = await provider.getEvent(externalCalendarId, copyId);
    await provider.createEvent(other.externalId, rewrite(current, { notifyAttendees: false }));
    await provider.cancelEvent(externalCalendarId, copyId);
    await syncOf(t, tenant.tenantId, other.id);
    const synced = await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(synced.converged?.replaced).toEqual([meeting.id]);
    expect(synced.converged?.cancelled).toEqual([]);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.status).toBe('scheduled');
    expect(await notificationsOf(t, tenant.learner)).toHaveLength(toldBefore);

    await updateMeeting(t.schedule, tenant.tutor, {
      id: meeting.id,
      version: after.version,
      title: 'Renamed in Tandem',
    });
    await t.driver.idle();
    const live = (calendarId: string) =>
      t.google.emulator.control
        .storedEvents(calendarId)
        .filter((event) => event.iCalUID === after.icalUid && event.status !== 'cancelled');
    expect(live(other.externalId).map((event) => event.summary)).toEqual(['Renamed in Tandem']);
    expect(live(externalCalendarId)).toHaveLength(0);
  });
});
