/**
 * Changes the organiser makes in their own calendar reach Tandem's meeting (DESIGN.md §4 rule 5),
 * for Google, Microsoft and Exchange Server (emulators; Exchange's by its SyncFolderItems polling)
 * and CalDAV (a real Radicale): a move, rename or re-place
 * updates the meeting and tells the attendees once, by name and place; a deletion cancels it;
 * attendees Tandem delivered to get its REQUEST / CANCEL; our own writes coming back tell nobody;
 * and a change made on both sides between syncs goes to the later one, the loser being told.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetings, notifications } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { updateMeeting } from '@/server/meetings/schedule';
import { describeNotification } from '@/server/notifications/describe';
import type { NotificationKind } from '@/server/notifications/kinds';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase } from '@/tests/support/database';
import {
  notificationsOf,
  organizerCopyId,
  organizersCalendar,
  rewrite,
  syncOf,
} from '@/tests/support/organizer-calendar';
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
  type CalendarKind,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'converge');
}, 60_000);
afterAll(() => t.close());

const HOUR = 3_600_000;

function textOf(row: typeof notifications.$inferSelect, recipient: Actor) {
  return describeNotification(row.kind as NotificationKind, row.payload as Record<string, unknown>, {
    recipientUserId: recipient.userId,
    names: new Map(),
    zone: 'Europe/London',
    locale: 'en-GB',
  }).text;
}

const ORGANIZER_ACCOUNT: Record<CalendarKind, string> = {
  google: GOOGLE_ACCOUNTS.organizer,
  microsoft: MICROSOFT_ACCOUNTS.organizer,
  caldav: RADICALE_USERS[1].address,
  ews: EWS_ACCOUNTS.organizer,
};
/**
 * The learner's calendar: on the organiser's provider where it invites them itself; a Google one
 * for the CalDAV organiser, whom Tandem invites by iMIP.
 */
const LEARNER: Record<CalendarKind, { kind: CalendarKind; account: string }> = {
  google: { kind: 'google', account: GOOGLE_ACCOUNTS.attendee },
  microsoft: { kind: 'microsoft', account: MICROSOFT_ACCOUNTS.attendee },
  caldav: { kind: 'google', account: GOOGLE_ACCOUNTS.attendee },
  ews: { kind: 'ews', account: EWS_ACCOUNTS.attendee },
};
/** Where the change was made, as the notification names it (Exchange's users are on Outlook). */
const PLACE: Record<CalendarKind, string> = {
  google: 'Google Calendar',
  microsoft: 'Outlook',
  caldav: 'their calendar app',
  ews: 'Outlook',
};

describe.each(['google', 'microsoft', 'caldav', 'ews'] as const)('the organiser changes it in %s', (kind) => {
  it('a move and rename follow into Tandem, the attendees are told once, the attendee’s copy follows', async () => {
    const tenant = await t.freshTenant(`move-${kind}`);
    const tutorCalendar = await t.connect(tenant.tutor, kind, ORGANIZER_ACCOUNT[kind]);
    const { kind: learnerKind, account: learnerAccount } = LEARNER[kind];
    await t.connect(tenant.learner, learnerKind, learnerAccount);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    const before = await notificationsOf(t, tenant.learner);
    t.mail.clear();

    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    const copyId = await organizerCopyId(t, meeting.id);
    const current = await provider.getEvent(externalCalendarId, copyId);
    const start = new Date(meeting.startsAt.getTime() + 26 * HOUR);
    const end = new Date(meeting.endsAt.getTime() + 26 * HOUR);
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      rewrite(current, {
        title: `${meeting.title} (moved)`,
        location: 'Room 9',
        time: { kind: 'timed', start, end, timeZone: 'Europe/London' },
      }),
      { etag: current.etag },
    );

    const synced = await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(synced.converged?.updated).toEqual([meeting.id]);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after).toMatchObject({
      title: `${meeting.title} (moved)`,
      location: 'Room 9',
      status: 'scheduled',
    });
    expect(after.startsAt.getTime()).toBe(start.getTime());
    expect(after.endsAt.getTime()).toBe(end.getTime());
    const [stored] = await t.database.db.select().from(meetings).where(eq(meetings.id, meeting.id));
    expect(stored?.changedIn).toBe(kind);

    const told = (await notificationsOf(t, tenant.learner)).slice(before.length);
    expect(told.map((row) => row.kind)).toEqual(['meeting_updated']);
    expect(textOf(told[0]!, tenant.learner)).toMatch(
      new RegExp(`moved to .* by .+ in ${PLACE[kind]}\\. Please answer again\\.`),
    );

    // The learner's own copy follows: by the provider (Google, Outlook, Exchange) or Tandem's iMIP update.
    if (kind === 'google') {
      const [copy] = googleCopies(t, learnerAccount, after.icalUid);
      expect(new Date(copy?.start.dateTime ?? '').getTime()).toBe(start.getTime());
    } else if (kind === 'microsoft') {
      const [copy] = microsoftCopies(t, learnerAccount, after.icalUid);
      expect(copy?.subject).toBe(`${meeting.title} (moved)`);
    } else if (kind === 'ews') {
      const [copy, ...more] = ewsCopies(t, learnerAccount, after.icalUid);
      expect(more).toHaveLength(0);
      expect(copy).toMatchObject({ subject: `${meeting.title} (moved)`, location: 'Room 9' });
      expect(copy?.start.getTime()).toBe(start.getTime());
    } else {
      const [update, ...more] = deliveryMailTo(t, learnerAccount);
      expect(more).toHaveLength(0);
      expect(update?.calendar?.method).toBe('REQUEST');
      expect(Number(/\nSEQUENCE:(\d+)/.exec(update?.calendar?.content ?? '')?.[1])).toBeGreaterThan(
        meeting.sequence,
      );
    }

    // Nothing changed since: syncing both calendars again tells nobody anything.
    const settled = (await notificationsOf(t, tenant.learner)).length;
    const tutorTold = (await notificationsOf(t, tenant.tutor)).length;
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect((await notificationsOf(t, tenant.learner)).length).toBe(settled);
    expect((await notificationsOf(t, tenant.tutor)).length).toBe(tutorTold);
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).version).toBe(after.version);
  });

  it('deleting it in the calendar cancels the meeting; the attendees are told once', async () => {
    const tenant = await t.freshTenant(`delete-${kind}`);
    const tutorCalendar = await t.connect(tenant.tutor, kind, ORGANIZER_ACCOUNT[kind]);
    if (kind === 'caldav') await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.third);
    if (kind === 'ews') await t.connect(tenant.learner, 'ews', EWS_ACCOUNTS.attendee);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    if (kind === 'ews') expect(ewsCopies(t, EWS_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    const before = await notificationsOf(t, tenant.learner);
    t.mail.clear();

    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    await provider.cancelEvent(externalCalendarId, await organizerCopyId(t, meeting.id));
    const synced = await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(synced.converged?.cancelled).toEqual([meeting.id]);
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).status).toBe('cancelled');
    const told = (await notificationsOf(t, tenant.learner)).slice(before.length);
    expect(told.map((row) => row.kind)).toEqual(['meeting_cancelled']);
    expect(textOf(told[0]!, tenant.learner)).toMatch(new RegExp(`was cancelled by .* in ${PLACE[kind]}$`));
    if (kind === 'caldav') {
      const cancels = deliveryMailTo(t, GOOGLE_ACCOUNTS.third).filter(
        (message) => message.calendar?.method === 'CANCEL',
      );
      expect(cancels).toHaveLength(1);
      expect(await radicaleObjects(t, RADICALE_USERS[1].username, meeting.icalUid)).toHaveLength(0);
    }
    // Exchange cancelled the attendee's copy itself (DeleteItem with SendMeetingCancellations).
    if (kind === 'ews') expect(ewsCopies(t, EWS_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(0);

    await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
    expect(await notificationsOf(t, tenant.learner)).toHaveLength(told.length + before.length);
  });
});

/** Each provider's own store, read directly: the titles of the live copies of a meeting there. */
function copyTitles(kind: 'google' | 'microsoft' | 'ews', account: string, icalUid: string): string[] {
  if (kind === 'google') return googleCopies(t, account, icalUid).map((copy) => copy.summary ?? '');
  if (kind === 'microsoft') return microsoftCopies(t, account, icalUid).map((copy) => copy.subject);
  return ewsCopies(t, account, icalUid).map((copy) => copy.subject);
}

/**
 * Waits until a change made now is later than one just made elsewhere. Exchange reports
 * LastModifiedTime to the second (xs:dateTime without a fraction; the emulator too), so an edit in
 * Exchange counts as later than Tandem's only from the next second: within one second the tie goes
 * to Tandem (later-change.ts). Google and Graph keep milliseconds.
 */
async function laterThanNow(kind: CalendarKind): Promise<void> {
  const wait = kind === 'ews' ? 1_000 - (Date.now() % 1_000) + 5 : 5;
  await new Promise((resolve) => setTimeout(resolve, wait));
}

// The write that meets the organiser's unseen edit carries the copy's last etag: Google's and
// Graph's If-Match, Exchange's ChangeKey (UpdateItem with NeverOverwrite → ErrorIrresolvableConflict).
describe.each(['google', 'ews'] as const)(
  'a change on both sides between syncs (%s): Tandem’s later one wins everywhere',
  (kind) => {
    it('Tandem’s later edit is written over the calendar’s; the organiser is told theirs was replaced', async () => {
      const tenant = await t.freshTenant(`conflict-tandem-${kind}`);
      const tutorCalendar = await t.connect(tenant.tutor, kind, ORGANIZER_ACCOUNT[kind]);
      await t.connect(tenant.learner, LEARNER[kind].kind, LEARNER[kind].account);
      const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
      const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
      const copyId = await organizerCopyId(t, meeting.id);
      const current = await provider.getEvent(externalCalendarId, copyId);
      await provider.updateEvent(
        externalCalendarId,
        copyId,
        rewrite(current, { title: `Renamed in ${PLACE[kind]}` }),
        { etag: current.etag },
      );
      await new Promise((resolve) => setTimeout(resolve, 5));

      // Later, in Tandem, before any sync saw the calendar's change: the write meets a conflict.
      await updateMeeting(t.schedule, tenant.tutor, {
        id: meeting.id,
        version: meeting.version,
        title: 'Renamed in Tandem',
      });
      await t.driver.idle();
      const copy = await provider.getEvent(externalCalendarId, copyId);
      expect(copy.title).toBe('Renamed in Tandem');
      expect(copyTitles(kind, LEARNER[kind].account, meeting.icalUid)).toEqual(['Renamed in Tandem']);
      const told = await notificationsOf(t, tenant.tutor);
      const overridden = told.filter((row) => row.kind === 'meeting_change_overridden');
      expect(overridden).toHaveLength(1);
      expect(textOf(overridden[0]!, tenant.tutor)).toMatch(
        new RegExp(
          `^Your change to Renamed in Tandem in ${PLACE[kind]} was replaced by a later change .*in Tandem`,
        ),
      );

      // The sync that follows brings our own write back: nothing changes, nobody is told again.
      const synced = await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);
      expect(synced.converged?.updated).toEqual([]);
      const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
      expect(after.title).toBe('Renamed in Tandem');
      expect(copyTitles(kind, ORGANIZER_ACCOUNT[kind], after.icalUid)).toEqual(['Renamed in Tandem']);
      expect(await notificationsOf(t, tenant.tutor)).toHaveLength(told.length);
    });
  },
);

describe.each(['microsoft', 'ews'] as const)(
  'a change on both sides between syncs (%s): the calendar’s later one wins everywhere',
  (kind) => {
    it('the calendar’s later edit wins over Tandem’s unwritten one; the Tandem editor is told', async () => {
      const tenant = await t.freshTenant(`conflict-provider-${kind}`);
      const tutorCalendar = await t.connect(tenant.tutor, kind, ORGANIZER_ACCOUNT[kind]);
      await t.connect(tenant.learner, LEARNER[kind].kind, LEARNER[kind].account);
      const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
      await syncOf(t, tenant.tenantId, tutorCalendar.calendarId);

      // Tandem's edit first, its delivery not yet run (jobs held back)…
      const held: unknown[] = [];
      await updateMeeting(
        { ...t.schedule, jobs: { send: async (events) => void held.push(events) } },
        tenant.tutor,
        { id: meeting.id, version: meeting.version, title: 'Renamed in Tandem' },
      );
      await laterThanNow(kind);
      // …then, later, the organiser's own edit in Outlook.
      const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
      const copyId = await organizerCopyId(t, meeting.id);
      const current = await provider.getEvent(externalCalendarId, copyId);
      await provider.updateEvent(
        externalCalendarId,
        copyId,
        rewrite(current, { title: 'Renamed in Outlook' }),
        { etag: current.etag },
      );

      // Delivery now runs: its If-Match (ChangeKey) fails, the later change is Outlook's, so it
      // asks for a sync rather than writing over it; the sync brings Outlook's change in.
      await t.driver.send({
        name: 'tandem/meeting.changed',
        data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: meeting.version + 1 },
      });
      await t.driver.idle();
      const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
      expect(after.title).toBe('Renamed in Outlook');
      expect((await provider.getEvent(externalCalendarId, copyId)).title).toBe('Renamed in Outlook');
      expect(copyTitles(kind, LEARNER[kind].account, after.icalUid)).toEqual(['Renamed in Outlook']);
      const overridden = (await notificationsOf(t, tenant.tutor)).filter(
        (row) => row.kind === 'meeting_change_overridden',
      );
      expect(overridden).toHaveLength(1);
      expect(textOf(overridden[0]!, tenant.tutor)).toMatch(
        /^Your change to Renamed in Outlook in Tandem was replaced by a later change .*in Outlook/,
      );
    });
  },
);
