/**
 * Occurrences of a recurring meeting both ways (DESIGN.md §4 rule 5), for Google, Microsoft and
 * Exchange Server (emulators) and CalDAV (a real Radicale): an occurrence moved or cancelled in Tandem reaches the
 * organiser's instance and, through their provider or Tandem's iMIP with RECURRENCE-ID, the
 * attendee; one moved or cancelled by the organiser in their calendar becomes a Tandem exception,
 * the attendees told once; our own writes coming back tell nobody.
 */
import { and, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calendarConnections,
  calendars,
  meetingAttendees,
  meetingLinks,
  meetingOccurrenceAnswers,
  meetingOccurrences,
  meetingOccurrenceWrites,
  meetings,
  notifications,
} from '@/server/db/schema';
import { planDeliveryWork } from '@/server/delivery/deliver-meeting';
import { describeNotification } from '@/server/notifications/describe';
import type { NotificationKind } from '@/server/notifications/kinds';
import type { CalendarProvider, ProviderEvent } from '@/server/providers/types';
import { syncCalendar } from '@/server/sync/sync-calendar';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase } from '@/tests/support/database';
import { deliveryMailTo } from '@/tests/support/delivery-checks';
import {
  EWS_ACCOUNTS,
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type CalendarKind,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import {
  changeOccurrenceInTandem,
  nthStart,
  occurrenceRows,
  sendWeeklySeries,
  WEEK,
} from '@/tests/support/occurrences';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'occurrences');
}, 60_000);
afterAll(() => t.close());

const HOUR = 3_600_000;

const ORGANIZER_ACCOUNT: Record<CalendarKind, string> = {
  google: GOOGLE_ACCOUNTS.organizer,
  microsoft: MICROSOFT_ACCOUNTS.organizer,
  caldav: RADICALE_USERS[1].address,
  ews: EWS_ACCOUNTS.organizer,
};
/** Same provider for the learner where it invites directly; Google (invited by Tandem's iMIP) for CalDAV. */
const LEARNER: Record<CalendarKind, { kind: CalendarKind; account: string }> = {
  google: { kind: 'google', account: GOOGLE_ACCOUNTS.attendee },
  microsoft: { kind: 'microsoft', account: MICROSOFT_ACCOUNTS.attendee },
  caldav: { kind: 'google', account: GOOGLE_ACCOUNTS.third },
  ews: { kind: 'ews', account: EWS_ACCOUNTS.attendee },
};
const PLACE: Record<CalendarKind, string> = {
  google: 'Google Calendar',
  microsoft: 'Outlook',
  caldav: 'their calendar app',
  ews: 'Outlook',
};

async function calendarOf(calendarId: string) {
  const [row] = await t.database.db
    .select({ connection: calendarConnections, externalId: calendars.externalId })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(eq(calendars.id, calendarId));
  if (!row) throw new Error('no such calendar');
  const provider: CalendarProvider = await t.registry.forConnection(t.database.db, row.connection);
  return { provider, externalCalendarId: row.externalId };
}

/** The series' instances in a calendar, as its own app would list them. */
async function instancesIn(calendarId: string, meeting: { startsAt: Date; title: string }) {
  const { provider, externalCalendarId } = await calendarOf(calendarId);
  const events = await provider.readEvents(externalCalendarId, {
    start: new Date(meeting.startsAt.getTime() - 2 * 86_400_000),
    end: new Date(meeting.startsAt.getTime() + 5 * WEEK),
  });
  return events
    .filter((event) => event.status !== 'cancelled' && event.title?.startsWith(meeting.title))
    .sort((a, b) => startOf(a) - startOf(b));
}

function startOf(event: ProviderEvent): number {
  return event.time.kind === 'timed' ? event.time.start.getTime() : Date.parse(event.time.startDate);
}

async function syncOf(tenantId: string, calendarId: string) {
  const result = await syncCalendar({ ...t.sync, jobs: t.jobDeps.jobs }, { tenantId, calendarId });
  await t.driver.idle();
  return result;
}

async function notificationsOf(tenantId: string, actor: Actor) {
  return t.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, actor.userId)))
    .orderBy(notifications.createdAt);
}

function textOf(row: typeof notifications.$inferSelect, recipient: Actor) {
  return describeNotification(row.kind as NotificationKind, row.payload as Record<string, unknown>, {
    recipientUserId: recipient.userId,
    names: new Map(),
    zone: 'Europe/London',
    locale: 'en-GB',
  }).text;
}

/** The VEVENTs of an iMIP message. */
function veventsOf(content: string | undefined) {
  const calendar = new ICAL.Component(ICAL.parse(content ?? ''));
  return {
    method: calendar.getFirstPropertyValue('method'),
    vevents: calendar.getAllSubcomponents('vevent'),
  };
}

function recurrenceIdOf(vevent: ICAL.Component): number | null {
  const value = vevent.getFirstPropertyValue('recurrence-id');
  return value instanceof ICAL.Time ? value.toJSDate().getTime() : null;
}

async function seriesWorld(kind: CalendarKind, label: string) {
  const tenant = await t.freshTenant(`${label}-${kind}`);
  const organizerCalendar = await t.connect(tenant.tutor, kind, ORGANIZER_ACCOUNT[kind]);
  const learner = LEARNER[kind];
  const learnerCalendar = await t.connect(tenant.learner, learner.kind, learner.account);
  const meeting = await sendWeeklySeries(t, tenant.tutor, [tenant.learner.userId]);
  await syncOf(tenant.tenantId, organizerCalendar.calendarId);
  await syncOf(tenant.tenantId, learnerCalendar.calendarId);
  return { tenant, organizerCalendar, learnerCalendar, meeting };
}

describe.each(['google', 'microsoft', 'caldav', 'ews'] as const)(
  'occurrences with the organiser on %s',
  (kind) => {
    it('a move and a cancel in Tandem reach the organiser’s instances and the learner; a replay and the echo do nothing', async () => {
      const { tenant, organizerCalendar, learnerCalendar, meeting } = await seriesWorld(kind, 'tandem');
      expect(await instancesIn(organizerCalendar.calendarId, meeting)).toHaveLength(4);
      t.mail.clear();
      const second = nthStart(meeting, 1);
      const third = nthStart(meeting, 2);
      const movedStart = new Date(second.getTime() + 26 * HOUR);
      const movedEnd = new Date(movedStart.getTime() + HOUR);
      await changeOccurrenceInTandem(t, tenant.tutor, meeting.id, second, {
        status: 'scheduled',
        startsAt: movedStart,
        endsAt: movedEnd,
      });
      await changeOccurrenceInTandem(t, tenant.tutor, meeting.id, third, {
        status: 'cancelled',
        startsAt: third,
        endsAt: new Date(third.getTime() + HOUR),
      });

      const expected = [meeting.startsAt.getTime(), movedStart.getTime(), nthStart(meeting, 3).getTime()];
      const organizers = await instancesIn(organizerCalendar.calendarId, meeting);
      expect(organizers.map(startOf)).toEqual(expected);
      if (kind === 'caldav') {
        // Tandem is the organiser of record: its own iMIP for each occurrence, RECURRENCE-ID and SEQUENCE.
        const messages = deliveryMailTo(t, LEARNER.caldav.account);
        expect(messages.map((message) => message.calendar?.method)).toEqual(['REQUEST', 'CANCEL']);
        const [request, cancel] = messages.map((message) => veventsOf(message.calendar?.content));
        expect(request!.vevents).toHaveLength(1);
        expect(recurrenceIdOf(request!.vevents[0]!)).toBe(second.getTime());
        expect(
          (request!.vevents[0]!.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime(),
        ).toBe(movedStart.getTime());
        expect(request!.vevents[0]!.getFirstPropertyValue('rrule')).toBeNull();
        expect(request!.vevents[0]!.getFirstPropertyValue('sequence')).toBe(1);
        expect(recurrenceIdOf(cancel!.vevents[0]!)).toBe(third.getTime());
        expect(cancel!.vevents[0]!.getFirstPropertyValue('sequence')).toBe(1);
      } else {
        // The organiser's provider took it to the learner's own copy.
        expect((await instancesIn(learnerCalendar.calendarId, meeting)).map(startOf)).toEqual(expected);
      }

      // A replayed event plans nothing, and nothing is written twice.
      const writes = await t.database.db.select().from(meetingOccurrenceWrites);
      const [current] = await t.database.db.select().from(meetings).where(eq(meetings.id, meeting.id));
      expect(
        await planDeliveryWork(t.jobDeps, { tenantId: tenant.tenantId, meetingId: meeting.id }),
      ).toBeNull();
      await t.driver.send({
        name: 'tandem/meeting.changed',
        data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: current!.version },
      });
      await t.driver.idle();
      expect(await t.database.db.select().from(meetingOccurrenceWrites)).toEqual(writes);

      // Our writes coming back through sync are echoes: no change, nobody told.
      const told = (await notificationsOf(tenant.tenantId, tenant.learner)).length;
      await syncOf(tenant.tenantId, organizerCalendar.calendarId);
      const [after] = await t.database.db.select().from(meetings).where(eq(meetings.id, meeting.id));
      expect(after!.version).toBe(current!.version);
      expect((await occurrenceRows(t, meeting.id)).map((row) => row.changedIn)).toEqual(['tandem', 'tandem']);
      expect(await notificationsOf(tenant.tenantId, tenant.learner)).toHaveLength(told);
    });

    it('a move and a cancel of one instance in the organiser’s calendar become Tandem exceptions, told once', async () => {
      const { tenant, organizerCalendar, learnerCalendar, meeting } = await seriesWorld(kind, 'provider');
      const before = (await notificationsOf(tenant.tenantId, tenant.learner)).length;
      t.mail.clear();
      const { provider, externalCalendarId } = await calendarOf(organizerCalendar.calendarId);
      const [, second, third] = await instancesIn(organizerCalendar.calendarId, meeting);
      const movedStart = new Date(startOf(second!) + 2 * HOUR);
      const movedEnd = new Date(movedStart.getTime() + HOUR);
      const [link] = await t.database.db
        .select()
        .from(meetingLinks)
        .where(and(eq(meetingLinks.meetingId, meeting.id), eq(meetingLinks.role, 'organizer')));
      const master = await provider.getEvent(externalCalendarId, link!.externalId!);
      await provider.updateEvent(
        externalCalendarId,
        second!.externalId,
        {
          title: meeting.title,
          description: meeting.description,
          location: meeting.location,
          onlineUrl: null,
          time: { kind: 'timed', start: movedStart, end: movedEnd, timeZone: meeting.timeZone },
          recurrence: null,
          attendees: master.attendees
            .filter((attendee) => !attendee.isOrganizer)
            .map((attendee) => ({
              email: attendee.email,
              name: attendee.name,
              isOptional: attendee.isOptional,
            })),
          tandemMeetingId: meeting.id,
          notifyAttendees: true,
        },
        { etag: second!.etag },
      );
      const [, , fresh] = await instancesIn(organizerCalendar.calendarId, meeting);
      await provider.cancelEvent(externalCalendarId, fresh!.externalId, { etag: fresh!.etag });

      await syncOf(tenant.tenantId, organizerCalendar.calendarId);
      const rows = await occurrenceRows(t, meeting.id);
      expect(
        rows.map((row) => [
          row.originalStartsAt.getTime(),
          row.status,
          row.startsAt.getTime(),
          row.changedIn,
        ]),
      ).toEqual([
        [startOf(second!), 'scheduled', movedStart.getTime(), kind],
        [startOf(third!), 'cancelled', startOf(third!), kind],
      ]);
      expect(rows.every((row) => row.updatedBy === tenant.tutor.userId)).toBe(true);
      const told = (await notificationsOf(tenant.tenantId, tenant.learner)).slice(before);
      expect(told.map((row) => row.kind).sort()).toEqual(['meeting_cancelled', 'meeting_updated']);
      const moved = told.find((row) => row.kind === 'meeting_updated')!;
      expect(textOf(moved, tenant.learner)).toMatch(
        new RegExp(`^${meeting.title} on .+ moved to .+ by .+ in ${PLACE[kind]}\\. Please answer again\\.$`),
      );
      const cancelled = told.find((row) => row.kind === 'meeting_cancelled')!;
      expect(textOf(cancelled, tenant.learner)).toMatch(
        new RegExp(`^${meeting.title} on .+ was cancelled by .+ in ${PLACE[kind]}$`),
      );

      if (kind === 'caldav') {
        // Tandem delivers to the learner: the occurrence's REQUEST and CANCEL, RECURRENCE-ID named.
        const messages = deliveryMailTo(t, LEARNER.caldav.account);
        expect(messages.map((message) => message.calendar?.method).sort()).toEqual(['CANCEL', 'REQUEST']);
        const ids = messages.map((message) =>
          recurrenceIdOf(veventsOf(message.calendar?.content).vevents[0]!),
        );
        expect(ids.sort()).toEqual([startOf(second!), startOf(third!)].sort());
      } else {
        expect(deliveryMailTo(t, LEARNER[kind].account)).toHaveLength(0);
        await syncOf(tenant.tenantId, learnerCalendar.calendarId);
      }

      // Nothing changed since: syncing again tells nobody and writes nothing back.
      const settled = (await notificationsOf(tenant.tenantId, tenant.learner)).length;
      const [current] = await t.database.db.select().from(meetings).where(eq(meetings.id, meeting.id));
      await syncOf(tenant.tenantId, organizerCalendar.calendarId);
      expect(await notificationsOf(tenant.tenantId, tenant.learner)).toHaveLength(settled);
      const [after] = await t.database.db.select().from(meetings).where(eq(meetings.id, meeting.id));
      expect(after!.version).toBe(current!.version);
      expect((await instancesIn(organizerCalendar.calendarId, meeting)).map(startOf)).toEqual([
        meeting.startsAt.getTime(),
        movedStart.getTime(),
        nthStart(meeting, 3).getTime(),
      ]);
    });
  },
);

/**
 * The learner answers one occurrence in their own calendar: Google, Exchange, or a CalDAV copy
 * Tandem placed. Outlook is not here: the Graph adapter's sync brings no occurrence exceptions of a
 * series the account was invited to, so an answer to one occurrence there is not seen yet.
 */
const ANSWERING: Record<
  'google' | 'caldav' | 'ews',
  { organizer: CalendarKind; account: string; learner: string }
> = {
  google: { organizer: 'google', account: GOOGLE_ACCOUNTS.organizer, learner: GOOGLE_ACCOUNTS.attendee },
  caldav: { organizer: 'google', account: GOOGLE_ACCOUNTS.organizer, learner: RADICALE_USERS[0].address },
  ews: { organizer: 'ews', account: EWS_ACCOUNTS.organizer, learner: EWS_ACCOUNTS.attendee },
};

describe.each(['google', 'caldav', 'ews'] as const)('an answer to one occurrence in %s', (kind) => {
  it('is kept for that occurrence, apart from the series; the organiser is told once', async () => {
    const setup = ANSWERING[kind];
    const tenant = await t.freshTenant(`answer-${kind}`);
    const tutorCalendar = await t.connect(tenant.tutor, setup.organizer, setup.account);
    const learnerCalendar = await t.connect(tenant.learner, kind, setup.learner);
    // Exchange takes a declined occurrence out of the learner's calendar and records the answer in
    // the organiser's exception of it (emulators/ews/occurrence-responses.ts): both are synced.
    const syncAnswer = async () => {
      await syncOf(tenant.tenantId, learnerCalendar.calendarId);
      if (kind === 'ews') await syncOf(tenant.tenantId, tutorCalendar.calendarId);
    };
    const meeting = await sendWeeklySeries(t, tenant.tutor, [tenant.learner.userId]);
    await syncOf(tenant.tenantId, learnerCalendar.calendarId);
    const [, second] = await instancesIn(learnerCalendar.calendarId, meeting);
    expect(second).toBeDefined();
    const before = (await notificationsOf(tenant.tenantId, tenant.tutor)).length;

    const { provider, externalCalendarId } = await calendarOf(learnerCalendar.calendarId);
    await provider.respondToEvent(externalCalendarId, second!.externalId, 'declined');
    await syncAnswer();

    const answers = await t.database.db
      .select({
        originalStartsAt: meetingOccurrences.originalStartsAt,
        response: meetingOccurrenceAnswers.response,
      })
      .from(meetingOccurrenceAnswers)
      .innerJoin(meetingOccurrences, eq(meetingOccurrences.id, meetingOccurrenceAnswers.occurrenceId))
      .where(eq(meetingOccurrences.meetingId, meeting.id));
    expect(answers).toEqual([{ originalStartsAt: nthStart(meeting, 1), response: 'declined' }]);
    const [series] = await t.database.db
      .select({ response: meetingAttendees.response })
      .from(meetingAttendees)
      .where(eq(meetingAttendees.meetingId, meeting.id));
    expect(series?.response).toBe('needs_action');
    const told = (await notificationsOf(tenant.tenantId, tenant.tutor)).slice(before);
    expect(told.map((row) => row.kind)).toEqual(['meeting_response']);
    expect(textOf(told[0]!, tenant.tutor)).toMatch(new RegExp(`declined ${meeting.title} on `));

    await syncAnswer();
    expect((await notificationsOf(tenant.tenantId, tenant.tutor)).slice(before)).toHaveLength(1);
  });
});

describe('a copy Tandem placed in a CalDAV calendar', () => {
  it('gets the occurrence moved and cancelled in Tandem as its own override and EXDATE', async () => {
    const tenant = await t.freshTenant('placed-copy');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const learnerCalendar = await t.connect(tenant.learner, 'caldav', RADICALE_USERS[0].address);
    const meeting = await sendWeeklySeries(t, tenant.tutor, [tenant.learner.userId]);
    expect(await instancesIn(learnerCalendar.calendarId, meeting)).toHaveLength(4);
    const second = nthStart(meeting, 1);
    const third = nthStart(meeting, 2);
    const movedStart = new Date(second.getTime() + 3 * HOUR);
    await changeOccurrenceInTandem(t, tenant.tutor, meeting.id, second, {
      status: 'scheduled',
      startsAt: movedStart,
      endsAt: new Date(movedStart.getTime() + HOUR),
      title: `${meeting.title} (later)`,
    });
    await changeOccurrenceInTandem(t, tenant.tutor, meeting.id, third, {
      status: 'cancelled',
      startsAt: third,
      endsAt: new Date(third.getTime() + HOUR),
    });

    const placed = await instancesIn(learnerCalendar.calendarId, meeting);
    expect(placed.map((event) => [startOf(event), event.title])).toEqual([
      [meeting.startsAt.getTime(), meeting.title],
      [movedStart.getTime(), `${meeting.title} (later)`],
      [nthStart(meeting, 3).getTime(), meeting.title],
    ]);
    expect(placed[1]?.originalStart?.kind === 'timed' && placed[1].originalStart.start.getTime()).toBe(
      second.getTime(),
    );
    // The organiser copy is named as ORGANIZER in the override too, so the learner's app answers them.
    expect(placed[1]?.organizer?.email).toBe(GOOGLE_ACCOUNTS.organizer);
  });
});

describe.each(['google', 'ews'] as const)(
  'one occurrence changed on both sides between syncs (%s)',
  (kind) => {
    it('Tandem’s later change is written over the calendar’s; the organiser is told once', async () => {
      const { tenant, organizerCalendar, meeting } = await seriesWorld(kind, 'conflict');
      const { provider, externalCalendarId } = await calendarOf(organizerCalendar.calendarId);
      const [, second] = await instancesIn(organizerCalendar.calendarId, meeting);
      const original = nthStart(meeting, 1);
      // First in their calendar: the organiser moves the instance an hour later…
      const inCalendar = new Date(original.getTime() + HOUR);
      await provider.updateEvent(
        externalCalendarId,
        second!.externalId,
        {
          title: meeting.title,
          description: meeting.description,
          location: meeting.location,
          onlineUrl: null,
          time: {
            kind: 'timed',
            start: inCalendar,
            end: new Date(inCalendar.getTime() + HOUR),
            timeZone: meeting.timeZone,
          },
          recurrence: null,
          attendees: [],
          tandemMeetingId: meeting.id,
          notifyAttendees: true,
        },
        { etag: second!.etag },
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      // …then, later, in Tandem, two hours later; its delivery not yet run.
      const inTandem = new Date(original.getTime() + 2 * HOUR);
      const version = await changeOccurrenceInTandem(
        t,
        tenant.tutor,
        meeting.id,
        original,
        { status: 'scheduled', startsAt: inTandem, endsAt: new Date(inTandem.getTime() + HOUR) },
        { deliver: false },
      );

      const before = (await notificationsOf(tenant.tenantId, tenant.tutor)).length;
      await syncOf(tenant.tenantId, organizerCalendar.calendarId);
      await syncOf(tenant.tenantId, organizerCalendar.calendarId);
      const [row] = await occurrenceRows(t, meeting.id);
      expect(row?.startsAt.getTime()).toBe(inTandem.getTime());
      expect(row?.changedIn).toBe('tandem');
      const told = (await notificationsOf(tenant.tenantId, tenant.tutor)).slice(before);
      expect(told.map((entry) => entry.kind)).toEqual(['meeting_change_overridden']);

      await t.driver.send({
        name: 'tandem/meeting.changed',
        data: { tenantId: tenant.tenantId, meetingId: meeting.id, version },
      });
      await t.driver.idle();
      const instances = await instancesIn(organizerCalendar.calendarId, meeting);
      expect(instances.map(startOf)).toContain(inTandem.getTime());
      expect(instances.map(startOf)).not.toContain(inCalendar.getTime());
      await syncOf(tenant.tenantId, organizerCalendar.calendarId);
      expect((await notificationsOf(tenant.tenantId, tenant.tutor)).slice(before)).toHaveLength(1);
      expect((await occurrenceRows(t, meeting.id))[0]?.startsAt.getTime()).toBe(inTandem.getTime());
    });
  },
);
