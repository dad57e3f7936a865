/**
 * The organiser's change reaches Tandem through push (DESIGN.md §4 rules 2 and 5): the Google
 * channel's or Graph subscription's notification → the real webhook service → the sync-calendar
 * job → convergence. The meeting follows and the attendee is told once; the same notification
 * delivered again, or an older one after it, changes nothing more and tells nobody.
 *
 * Exchange Server has no push cell: the EWS adapter offers no channel (`capabilities.push` is null;
 * EWS streaming and pull subscriptions are not implemented, PROVIDERS.md "push": "polling
 * SyncFolderItems is the safe net"), so its path is the poll cron instead, checked here the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeeting } from '@/server/meetings/queries';
import { ensurePushChannel } from '@/server/sync/push-channels';
import { syncCalendar } from '@/server/sync/sync-calendar';
import { useTestDatabase } from '@/tests/support/database';
import { send } from '@/tests/support/delivery-checks';
import {
  EWS_ACCOUNTS,
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import {
  notificationsOf,
  organizerCopyId,
  organizersCalendar,
  rewrite,
} from '@/tests/support/organizer-calendar';
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
    const toldBefore = (await notificationsOf(t, tenant.learner)).length;

    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    const copyId = await organizerCopyId(t, meeting.id);
    const current = await provider.getEvent(externalCalendarId, copyId);
    const start = new Date(meeting.startsAt.getTime() + 2 * HOUR);
    const end = new Date(meeting.endsAt.getTime() + 2 * HOUR);
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      rewrite(current, { time: { kind: 'timed', start, end, timeZone: 'Europe/London' } }),
      { etag: current.etag },
    );
    await settle();

    // Only the push brought it in: nothing else synced the organiser's calendar.
    const pushes = app.received.slice(pushesBefore).filter((push) => push.provider === kind);
    expect(pushes.length).toBeGreaterThan(0);
    const moved = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(moved.startsAt.getTime()).toBe(start.getTime());
    expect(moved.endsAt.getTime()).toBe(end.getTime());
    const told = (await notificationsOf(t, tenant.learner)).slice(toldBefore);
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
    expect((await notificationsOf(t, tenant.learner)).length).toBe(toldBefore + 1);
    expect((await notificationsOf(t, tenant.tutor)).map((row) => row.kind)).not.toContain(
      'meeting_change_overridden',
    );
  });
});

describe('an Exchange Server (EWS) calendar, which has no push channel', () => {
  it('the poll cron brings the organiser’s move in, the attendee told once; the next poll changes nothing', async () => {
    const tenant = await t.freshTenant('poll-ews');
    const tutorCalendar = await t.connect(tenant.tutor, 'ews', EWS_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'ews', EWS_ACCOUNTS.attendee);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    const target = { tenantId: tenant.tenantId, calendarId: tutorCalendar.calendarId };
    await syncCalendar({ ...t.sync, jobs: t.jobDeps.jobs }, target);
    expect((await ensurePushChannel({ ...t.sync, appUrl: app.url }, target)).status).toBe('unsupported');
    const toldBefore = (await notificationsOf(t, tenant.learner)).length;

    const { provider, externalCalendarId } = await organizersCalendar(t, tutorCalendar.calendarId);
    const copyId = await organizerCopyId(t, meeting.id);
    const current = await provider.getEvent(externalCalendarId, copyId);
    const start = new Date(meeting.startsAt.getTime() + 2 * HOUR);
    const end = new Date(meeting.endsAt.getTime() + 2 * HOUR);
    await provider.updateEvent(
      externalCalendarId,
      copyId,
      rewrite(current, { time: { kind: 'timed', start, end, timeZone: 'Europe/London' } }),
      { etag: current.etag },
    );
    await settle();
    // No push came: the meeting has not moved until the poll.
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).startsAt.getTime()).toBe(
      meeting.startsAt.getTime(),
    );

    await t.driver.runCron('poll-calendars');
    await t.driver.idle();
    const moved = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(moved.startsAt.getTime()).toBe(start.getTime());
    expect(moved.endsAt.getTime()).toBe(end.getTime());
    const told = (await notificationsOf(t, tenant.learner)).slice(toldBefore);
    expect(told.map((row) => row.kind)).toEqual(['meeting_updated']);

    await t.driver.runCron('poll-calendars');
    await t.driver.idle();
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).version).toBe(moved.version);
    expect((await notificationsOf(t, tenant.learner)).length).toBe(toldBefore + 1);
  });
});
