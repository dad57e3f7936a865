/**
 * A meeting whose organiser's calendar needs reconnecting or was disconnected keeps working in
 * Tandem and says which calendars it can no longer update; reconnecting delivers what waited for
 * it. The real delivery job over the Google emulator, through the inline driver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveConnection } from '@/server/connections/save-connection';
import { disconnectConnection } from '@/server/connections/manage';
import { encryptJson } from '@/server/crypto/secrets';
import { getMeeting } from '@/server/meetings/queries';
import { markConnectionNeedsReauth } from '@/server/sync/connection-health';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase } from '@/tests/support/database';
import { googleCopies, send } from '@/tests/support/delivery-checks';
import {
  GOOGLE_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import { oauthCredentials } from '@/tests/support/emulator-registry';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'unreachable');
}, 60_000);
afterAll(() => t.close());

/** The tutor signs in to the same Google account again, as the OAuth callback saves it. */
async function reconnect(tutor: Actor) {
  return saveConnection({ db: t.database.db, jobs: t.schedule.jobs, now: () => new Date() }, tutor, {
    provider: 'google',
    accountEmail: GOOGLE_ACCOUNTS.organizer,
    displayName: null,
    encryptedCredentials: encryptJson(
      t.registry.keyRing,
      oauthCredentials(t.google.tokens(GOOGLE_ACCOUNTS.organizer)),
    ),
  });
}

describe('the organiser’s calendar needs reconnecting', () => {
  it('the meeting is made and says so; reconnecting delivers it, and the words go', async () => {
    const tenant = await t.freshTenant('needs-reauth');
    const { connectionId } = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    await markConnectionNeedsReauth(t.database.db, { tenantId: tenant.tenantId, connectionId }, new Date());

    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(meeting.status).toBe('scheduled');
    expect(googleCopies(t, GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(0);
    expect(meeting.calendarsNotUpdated).toEqual([
      'Not updated in your Google calendar: it needs reconnecting',
    ]);
    // The learner's own calendar is not the one behind: they are not shown the tutor's.
    expect((await getMeeting(t.database.db, tenant.learner, meeting.id)).calendarsNotUpdated).toEqual([]);

    await reconnect(tenant.tutor);
    await t.driver.idle();
    expect(googleCopies(t, GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    expect(googleCopies(t, GOOGLE_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.calendarsNotUpdated).toEqual([]);
    expect(after.attendees[0]?.delivery.state).toBe('delivered');

    // Reconnecting again finds nothing waiting: nothing is written twice.
    await reconnect(tenant.tutor);
    await t.driver.idle();
    expect(googleCopies(t, GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
  });
});

describe('an attendee’s CalDAV calendar, where Tandem placed the copy, needs reconnecting', () => {
  it('the organiser is told whose calendar falls behind, the attendee that theirs does', async () => {
    const tenant = await t.freshTenant('attendee-reauth');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const { connectionId } = await t.connect(tenant.learner, 'caldav', RADICALE_USERS[0].address);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(meeting.attendees[0]?.delivery.method).toBe('tandem_copy');
    expect(meeting.calendarsNotUpdated).toEqual([]);

    await markConnectionNeedsReauth(t.database.db, { tenantId: tenant.tenantId, connectionId }, new Date());
    const learnerName = meeting.attendees[0]?.name ?? '';
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).calendarsNotUpdated).toEqual([
      `Not updated in ${learnerName}’s CalDAV calendar: it needs reconnecting`,
    ]);
    expect((await getMeeting(t.database.db, tenant.learner, meeting.id)).calendarsNotUpdated).toEqual([
      'Not updated in your CalDAV calendar: it needs reconnecting',
    ]);
  });
});

describe('the organiser’s calendar is disconnected', () => {
  it('the meeting stays, says its copy is no longer updated, until the account is connected again', async () => {
    const tenant = await t.freshTenant('disconnected');
    const { connectionId } = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(googleCopies(t, GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    expect(meeting.calendarsNotUpdated).toEqual([]);

    await disconnectConnection(
      {
        db: t.database.db,
        providers: t.registry,
        now: () => new Date(),
        keyRing: () => t.registry.keyRing,
        oauthApps: { google: null, microsoft: null },
      },
      tenant.tutor,
      { connectionId },
    );
    const kept = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(kept).toMatchObject({ status: 'scheduled', title: meeting.title });
    expect(kept.calendarsNotUpdated).toEqual(['Not updated in your Google calendar: it was disconnected']);

    await reconnect(tenant.tutor);
    await t.driver.idle();
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).calendarsNotUpdated).toEqual([]);
    expect(googleCopies(t, GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
  });
});
