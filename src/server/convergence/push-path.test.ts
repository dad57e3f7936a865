/**
 * The organiser's change reaches Tandem through push (DESIGN.md §4 rules 2 and 5): the Google
 * channel's or Graph subscription's notification → the real webhook service → the sync-calendar
 * job → convergence. The meeting follows and the attendee is told once; the same notification
 * delivered again, or an older one after it, changes nothing more and tells nobody.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarConnections, calendars, meetingLinks, notifications } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { ensurePushChannel } from '@/server/sync/push-channels';
import { syncCalendar } from '@/server/sync/sync-calendar';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase } from '@/tests/support/database';
import { send } from '@/tests/support/delivery-checks';
import {
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import { startPushLoopback, type PushLoopback } from '@/tests/support/push-loopback';

let t: DeliveryTestbed;
let app: PushLoopback;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'converge-push');
  app = await startPushLoopback({ db: t.database.db, jobs: t.driver, now: () => new Date() });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const HOUR = 3_600_000;

async function organizersCalendar(calendarId: string) {
  const [row] = await t.database.db
    .select({ connection: calendarConnections, externalId: calendars.externalId })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(eq(calendars.id, calendarId));
  if (!row) throw new Error('no such calendar');
  return {
    provider: await t.registry.forConnection(t.database.db, row.connection),
    externalCalendarId: row.externalId,
  };
}

async function organizerCopyId(meetingId: string): Promise<string> {
  const [link] = await t.database.db
    .select({ externalId: meetingLinks.externalId })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.meetingId, meetingId), eq(meetingLinks.role, 'organizer')));
  if (!link?.externalId) throw new Error('the organiser copy was not written');
  return link.externalId;
}

async function notificationsOf(actor: Actor) {
  return t.database.db
    .select({ kind: notifications.kind })
    .from(notifications)
    .where(and(eq(notifications.tenantId, actor.tenantId), eq(notifications.userId, actor.userId)));
}

/** The emulators' pushes delivered and everything they caused run. */
async function settle(): Promise<void> {
  for (let round = 0; round < 3; round += 1) {
    await t.google.emulator.control.pushIdle();
    // Graph posts its notifications on a 0 ms timer: give it a turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.driver.idle();
  }
}

const CASES = [
  { kind: 'google', organizer: GOOGLE_ACCOUNTS.organizer, attendee: GOOGLE_ACCOUNTS.attendee },
  { kind: 'microsoft', organizer: MICROSOFT_ACCOUNTS.organizer, attendee: MICROSOFT_ACCOUNTS.attendee },
] as const;

describe.each(CASES)('a $kind push after the organiser’s move', ({ kind, organizer, attendee }) => {
  it('updates the meeting and tells the attendee once; replayed and older notifications change nothing', async () => {
    const tenant = await t.freshTenant(`push-${kind}`);
    const tutorCalendar = await t.connect(tenant.tutor, kind, organizer);
    await t.connect(tenant.learner, kind, attendee);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    const target = { tenantId: tenant.tenantId, calendarId: tutorCalendar.calendarId };
    await syncCalendar({ ...t.sync, jobs: t.jobDeps.jobs }, target);
    expect((await ensurePushChannel({ ...t.sync, appUrl: app.url }, target)).status).toBe('created');
    await settle();
    const pushesBefore = app.received.length;
    const toldBefore = (await notificationsOf(tenant.learner)).length;

    const { provider, externalCalendarId } = await organizersCalendar(tutorCalendar.calendarId);
    const copyId = await organizerCopyId(meeting.id);
    const current = await provider.getEvent(externalCalendarId, copyId);
    const start = new Date(meeting.startsAt.getTime() + 2 * HOUR);
    const end = new Date(meeting.endsAt.getTime() + 2 * HOUR);
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      {
        title: current.title ?? meeting.title,
        description: current.description,
        location: current.location,
        onlineUrl: current.onlineUrl,
        time: { kind: 'timed', start, end, timeZone: 'Europe/London' },
        recurrence: current.recurrence,
        attendees: current.attendees
          .filter((entry) => !entry.isOrganizer)
          .map((entry) => ({ email: entry.email, name: entry.name, isOptional: entry.isOptional })),
        tandemMeetingId: current.tandemMeetingId,
        iCalUid: current.iCalUid,
        sequence: (current.sequence ?? 0) + 1,
        notifyAttendees: true,
      },
      { etag: current.etag },
    );
    await settle();

    // Only the push brought it in: nothing else synced the organiser's calendar.
    const pushes = app.received.slice(pushesBefore).filter((push) => push.provider === kind);
    expect(pushes.length).toBeGreaterThan(0);
    const moved = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(moved.startsAt.getTime()).toBe(start.getTime());
    expect(moved.endsAt.getTime()).toBe(end.getTime());
    const told = (await notificationsOf(tenant.learner)).slice(toldBefore);
    expect(told.map((row) => row.kind)).toEqual(['meeting_updated']);

    // The same notification again, then the oldest of the channel's after it.
    const last = pushes.at(-1)!;
    const older = app.received.filter((push) => push.provider === kind)[0]!;
    const replayed = [await app.redeliver(last), await app.redeliver(older)];
    await settle();
    if (kind === 'google') expect(replayed).toEqual(['duplicate', 'duplicate']);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.version).toBe(moved.version);
    expect(after.startsAt.getTime()).toBe(start.getTime());
    expect((await notificationsOf(tenant.learner)).length).toBe(toldBefore + 1);
    expect((await notificationsOf(tenant.tutor)).map((row) => row.kind)).not.toContain(
      'meeting_change_overridden',
    );
  });
});
