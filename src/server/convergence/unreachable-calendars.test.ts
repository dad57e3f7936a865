/**
 * A meeting whose organiser's calendar needs reconnecting or was disconnected keeps working in
 * Tandem and says which calendars it can no longer update; reconnecting delivers what waited for
 * it. The real delivery job over the Google and Exchange Server (EWS) emulators, through the
 * inline driver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveConnection } from '@/server/connections/save-connection';
import { disconnectConnection } from '@/server/connections/manage';
import { encryptJson } from '@/server/crypto/secrets';
import { getMeeting } from '@/server/meetings/queries';
import { markConnectionNeedsReauth } from '@/server/sync/connection-health';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase } from '@/tests/support/database';
import { DEFAULT_PASSWORD as EWS_PASSWORD } from '@/emulators/ews/store';
import { ewsCopies, googleCopies, send } from '@/tests/support/delivery-checks';
import {
  EWS_ACCOUNTS,
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

/** The organiser's calendar on each provider: accounts, a fresh sign-in, and the copies there. */
const ORGANIZER = {
  google: {
    organizer: GOOGLE_ACCOUNTS.organizer,
    learner: GOOGLE_ACCOUNTS.attendee,
    name: 'Google',
    // As the OAuth callback saves it.
    credentials: () => oauthCredentials(t.google.tokens(GOOGLE_ACCOUNTS.organizer)),
    copies: (account: string, icalUid: string) => googleCopies(t, account, icalUid),
  },
  ews: {
    organizer: EWS_ACCOUNTS.organizer,
    learner: EWS_ACCOUNTS.attendee,
    name: 'Exchange',
    // As the Exchange connect form saves it (the password typed again).
    credentials: () => ({
      kind: 'ews' as const,
      endpoint: t.ews.endpoint,
      username: EWS_ACCOUNTS.organizer,
      password: EWS_PASSWORD,
      auth: 'basic' as const,
      email: EWS_ACCOUNTS.organizer,
    }),
    copies: (account: string, icalUid: string) => ewsCopies(t, account, icalUid),
  },
} as const;
type OrganizerKind = keyof typeof ORGANIZER;

/** The tutor connects the same account again. */
async function reconnect(tutor: Actor, kind: OrganizerKind) {
  return saveConnection({ db: t.database.db, jobs: t.schedule.jobs, now: () => new Date() }, tutor, {
    provider: kind,
    accountEmail: ORGANIZER[kind].organizer,
    displayName: null,
    encryptedCredentials: encryptJson(t.registry.keyRing, ORGANIZER[kind].credentials()),
  });
}

describe.each(['google', 'ews'] as const)('the organiser’s %s calendar needs reconnecting', (kind) => {
  it('the meeting is made and says so; reconnecting delivers it, and the words go', async () => {
    const tenant = await t.freshTenant(`needs-reauth-${kind}`);
    const { organizer, learner, name, copies } = ORGANIZER[kind];
    const { connectionId } = await t.connect(tenant.tutor, kind, organizer);
    await t.connect(tenant.learner, kind, learner);
    await markConnectionNeedsReauth(t.database.db, { tenantId: tenant.tenantId, connectionId }, new Date());

    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(meeting.status).toBe('scheduled');
    expect(copies(organizer, meeting.icalUid)).toHaveLength(0);
    expect(meeting.calendarsNotUpdated).toEqual([
      `Not updated in your ${name} calendar: it needs reconnecting`,
    ]);
    // The learner's own calendar is not the one behind: they are not shown the tutor's.
    expect((await getMeeting(t.database.db, tenant.learner, meeting.id)).calendarsNotUpdated).toEqual([]);

    await reconnect(tenant.tutor, kind);
    await t.driver.idle();
    expect(copies(organizer, meeting.icalUid)).toHaveLength(1);
    expect(copies(learner, meeting.icalUid)).toHaveLength(1);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.calendarsNotUpdated).toEqual([]);
    expect(after.attendees[0]?.delivery.state).toBe('delivered');

    // Reconnecting again finds nothing waiting: nothing is written twice.
    await reconnect(tenant.tutor, kind);
    await t.driver.idle();
    expect(copies(organizer, meeting.icalUid)).toHaveLength(1);
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

describe.each(['google', 'ews'] as const)('the organiser’s %s calendar is disconnected', (kind) => {
  it('the meeting stays, says its copy is no longer updated, until the account is connected again', async () => {
    const tenant = await t.freshTenant(`disconnected-${kind}`);
    const { organizer, learner, name, copies } = ORGANIZER[kind];
    const { connectionId } = await t.connect(tenant.tutor, kind, organizer);
    await t.connect(tenant.learner, kind, learner);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(copies(organizer, meeting.icalUid)).toHaveLength(1);
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
    expect(kept.calendarsNotUpdated).toEqual([`Not updated in your ${name} calendar: it was disconnected`]);

    await reconnect(tenant.tutor, kind);
    await t.driver.idle();
    expect((await getMeeting(t.database.db, tenant.tutor, meeting.id)).calendarsNotUpdated).toEqual([]);
    expect(copies(organizer, meeting.icalUid)).toHaveLength(1);
  });
});
