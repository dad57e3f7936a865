/**
 * A learner who declines or deletes the meeting in their own calendar (DESIGN.md §4 rules 4–5),
 * in Google, Outlook and Exchange Server (emulators) and a plain CalDAV calendar where Tandem
 * placed the copy (a real Radicale): the tutor sees the decline — "removed it from their calendar" where deleting
 * was the only answer — and is told once, however often the calendars sync.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingLinks, notifications } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { updateMeeting } from '@/server/meetings/schedule';
import { describeNotification } from '@/server/notifications/describe';
import type { NotificationKind } from '@/server/notifications/kinds';
import { syncCalendar } from '@/server/sync/sync-calendar';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase } from '@/tests/support/database';
import { send } from '@/tests/support/delivery-checks';
import { organizersCalendar } from '@/tests/support/organizer-calendar';
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
  t = await startDeliveryTestbed(await useTestDatabase(), 'attendee-copies');
}, 60_000);
afterAll(() => t.close());

async function attendeeCopyId(meetingId: string): Promise<string> {
  const [link] = await t.database.db
    .select({ externalId: meetingLinks.externalId })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.meetingId, meetingId), eq(meetingLinks.role, 'attendee')));
  if (!link?.externalId) throw new Error('the attendee copy is not linked');
  return link.externalId;
}

async function syncAll(tenantId: string, calendarIds: string[]) {
  for (const calendarId of calendarIds) {
    await syncCalendar({ ...t.sync, jobs: t.jobDeps.jobs }, { tenantId, calendarId });
  }
  await t.driver.idle();
}

async function answersTold(tenantId: string, tutor: Actor) {
  const rows = await t.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, tutor.userId)));
  return rows
    .filter((row) => row.kind === 'meeting_response')
    .map(
      (row) =>
        describeNotification(row.kind as NotificationKind, row.payload as Record<string, unknown>, {
          recipientUserId: tutor.userId,
          names: new Map(),
          zone: 'Europe/London',
          locale: 'en-GB',
        }).text,
    );
}

const SETUPS: Record<CalendarKind, { organizer: [CalendarKind, string]; learner: string }> = {
  google: { organizer: ['google', GOOGLE_ACCOUNTS.organizer], learner: GOOGLE_ACCOUNTS.attendee },
  microsoft: { organizer: ['microsoft', MICROSOFT_ACCOUNTS.organizer], learner: MICROSOFT_ACCOUNTS.attendee },
  caldav: { organizer: ['google', GOOGLE_ACCOUNTS.organizer], learner: RADICALE_USERS[0].address },
  // Exchange delivers the copy to its own mailbox; a decline moves it out of the calendar.
  ews: { organizer: ['ews', EWS_ACCOUNTS.organizer], learner: EWS_ACCOUNTS.attendee },
};

describe.each(['google', 'microsoft', 'caldav', 'ews'] as const)('a learner on %s', (kind) => {
  async function world(label: string) {
    const tenant = await t.freshTenant(`${label}-${kind}`);
    const [organizerKind, organizerAccount] = SETUPS[kind].organizer;
    const tutorCalendar = await t.connect(tenant.tutor, organizerKind, organizerAccount);
    const learnerCalendar = await t.connect(tenant.learner, kind, SETUPS[kind].learner);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    const calendarIds = [learnerCalendar.calendarId, tutorCalendar.calendarId];
    await syncAll(tenant.tenantId, calendarIds);
    return { tenant, meeting, learnerCalendar, calendarIds };
  }

  it('declines in their own calendar: the tutor sees it and is told once', async () => {
    const { tenant, meeting, learnerCalendar, calendarIds } = await world('decline');
    const { provider, externalCalendarId } = await organizersCalendar(t, learnerCalendar.calendarId);
    await provider.respondToEvent(externalCalendarId, await attendeeCopyId(meeting.id), 'declined');
    await syncAll(tenant.tenantId, calendarIds);
    await syncAll(tenant.tenantId, calendarIds);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.attendees[0]?.response).toBe('declined');
    const told = await answersTold(tenant.tenantId, tenant.tutor);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/ declined /);
  });

  it('deletes their copy: shown declined, and the tutor is told once', async () => {
    const { tenant, meeting, learnerCalendar, calendarIds } = await world('delete');
    const { provider, externalCalendarId } = await organizersCalendar(t, learnerCalendar.calendarId);
    await provider.cancelEvent(externalCalendarId, await attendeeCopyId(meeting.id));
    await syncAll(tenant.tenantId, calendarIds);
    await syncAll(tenant.tenantId, calendarIds);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.status).toBe('scheduled');
    expect(after.attendees[0]?.response).toBe('declined');
    const told = await answersTold(tenant.tenantId, tenant.tutor);
    expect(told).toHaveLength(1);
    // Where the provider turned the deletion into a decline, that is what the tutor hears first.
    expect(told[0]).toMatch(kind === 'caldav' ? /removed .* from their calendar$/ : / declined | removed /);
    if (kind === 'caldav') expect(after.attendees[0]?.delivery.detail).toBe('removed it from their calendar');
  });
});

// Found by the convergence fuzz (seed 12, 1,000 operations): an answer given in Outlook just before
// Tandem moved the meeting, synced only after the move, came back as an answer to the new time.
// Outlook's full update clears it (MS-OXOCAL 3.1.4.7.3.2), so the learner is asked again; Exchange
// Server is the same store and protocol (EWS UpdateItem of the time sends that full update).
describe.each(['microsoft', 'ews'] as const)(
  'a learner on %s answers, then Tandem moves the meeting before any sync',
  (kind) => {
    it('the answer to the old time is not taken for the new one: asked again, in Tandem and in Outlook', async () => {
      const tenant = await t.freshTenant(`answer-then-move-${kind}`);
      const [organizerKind, organizerAccount] = SETUPS[kind].organizer;
      const tutorCalendar = await t.connect(tenant.tutor, organizerKind, organizerAccount);
      const learnerCalendar = await t.connect(tenant.learner, kind, SETUPS[kind].learner);
      const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
      const calendarIds = [learnerCalendar.calendarId, tutorCalendar.calendarId];
      await syncAll(tenant.tenantId, calendarIds);
      const { provider, externalCalendarId } = await organizersCalendar(t, learnerCalendar.calendarId);
      const copyId = await attendeeCopyId(meeting.id);
      await provider.respondToEvent(externalCalendarId, copyId, 'tentative');

      const hour = 3_600_000;
      await updateMeeting(t.schedule, tenant.tutor, {
        id: meeting.id,
        version: meeting.version,
        startsAt: new Date(meeting.startsAt.getTime() + hour),
        endsAt: new Date(meeting.endsAt.getTime() + hour),
      });
      await t.driver.idle();
      await syncAll(tenant.tenantId, calendarIds);
      await syncAll(tenant.tenantId, calendarIds);

      const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
      expect(after.startsAt.getTime()).toBe(meeting.startsAt.getTime() + hour);
      expect(after.attendees[0]?.response).toBe('needs_action');
      expect(await answersTold(tenant.tenantId, tenant.tutor)).toEqual([]);
      const ownCopy = await provider.getEvent(externalCalendarId, copyId);
      expect(ownCopy.attendees.find((attendee) => attendee.isSelf)?.response).toBe('needs_action');
    });
  },
);
