/**
 * A learner acting on their own copy of a meeting, per provider (Google and Graph emulators, a
 * real Radicale), delivered by the real delivery job: deleting it shows them to the tutor as
 * declined — "removed it from their calendar" — and tells the tutor once, however often sync runs;
 * a decline given in their CalDAV calendar reaches the meeting too.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphFetch } from '@/emulators/microsoft/test-client';
import { calendarConnections, calendars, meetingLinks } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { describeNotification } from '@/server/notifications/describe';
import type { NotificationKind } from '@/server/notifications/kinds';
import { syncCalendar } from '@/server/sync/sync-calendar';
import { attendeeRow, noticesAbout } from '@/tests/support/answers';
import { useTestDatabase } from '@/tests/support/database';
import { send } from '@/tests/support/delivery-checks';
import {
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type CalendarKind,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import type { TestTenant } from '@/tests/support/fixtures';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'attendee-copies');
}, 60_000);
afterAll(() => t.close());

const LEO = RADICALE_USERS[0];

/** The tutor sends a meeting to the learner; the learner's calendar is synced so their copy is linked. */
async function sentAndLinked(
  tenant: TestTenant,
  organizer: { kind: CalendarKind; account: string },
  learner: { kind: CalendarKind; account: string },
) {
  await t.connect(tenant.tutor, organizer.kind, organizer.account);
  const { calendarId } = await t.connect(tenant.learner, learner.kind, learner.account);
  const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
  const attendeeId = meeting.attendees[0]?.id ?? '';
  const sync = () => syncCalendar(t.sync, { tenantId: tenant.tenantId, calendarId });
  await sync();
  const [link] = await t.database.db
    .select()
    .from(meetingLinks)
    .where(and(eq(meetingLinks.meetingId, meeting.id), eq(meetingLinks.calendarId, calendarId)));
  if (!link?.externalId) throw new Error('the learner’s copy was not linked');
  return { meeting, attendeeId, sync, copyId: link.externalId, calendarId };
}

const radicaleAuth = `Basic ${Buffer.from(`${LEO.username}:${LEO.password}`).toString('base64')}`;
const radicaleUrl = (copyId: string) => new URL(copyId, t.radicale.calendarUrl(LEO.username)).toString();

const deleteCopy: Record<CalendarKind, (account: string, copyId: string) => Promise<Response>> = {
  google: (account, copyId) =>
    fetch(`${t.google.url}/calendar/v3/calendars/primary/events/${encodeURIComponent(copyId)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${t.google.tokens(account).accessToken}` },
    }),
  microsoft: async (account, copyId) =>
    graphFetch(
      t.microsoft.emulator.url,
      (await t.microsoft.signIn(account)).accessToken,
      `/me/events/${copyId}`,
      {
        method: 'DELETE',
      },
    ),
  caldav: (_account, copyId) =>
    fetch(radicaleUrl(copyId), { method: 'DELETE', headers: { authorization: radicaleAuth } }),
};

function sentence(tenant: TestTenant, kind: string, payload: unknown): string {
  return describeNotification(kind as NotificationKind, payload as Record<string, unknown>, {
    recipientUserId: tenant.tutor.userId,
    names: new Map(),
    zone: 'Europe/London',
    locale: 'en-GB',
  }).text;
}

describe.each([
  {
    name: 'Google',
    organizer: { kind: 'google' as const, account: GOOGLE_ACCOUNTS.organizer },
    learner: { kind: 'google' as const, account: GOOGLE_ACCOUNTS.attendee },
  },
  {
    name: 'Microsoft',
    organizer: { kind: 'microsoft' as const, account: MICROSOFT_ACCOUNTS.organizer },
    learner: { kind: 'microsoft' as const, account: MICROSOFT_ACCOUNTS.attendee },
  },
  {
    name: 'CalDAV (Radicale)',
    organizer: { kind: 'google' as const, account: GOOGLE_ACCOUNTS.organizer },
    learner: { kind: 'caldav' as const, account: LEO.address },
  },
])('$name: the learner deletes their copy', ({ name, organizer, learner }) => {
  it('is shown to the tutor as declined, “removed it from their calendar”, and the tutor is told once', async () => {
    const tenant = await t.freshTenant(`removed-${learner.kind}-${name.length}`);
    const { meeting, attendeeId, sync, copyId } = await sentAndLinked(tenant, organizer, learner);
    expect((await attendeeRow(t.database.db, attendeeId)).response).toBe('needs_action');

    const deleted = await deleteCopy[learner.kind](learner.account, copyId);
    expect(deleted.ok).toBe(true);
    await sync();
    expect(await attendeeRow(t.database.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedVia: 'provider',
      respondedProvider: learner.kind,
      declinedByRemoval: true,
    });
    const view = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(view.attendees[0]).toMatchObject({ response: 'declined', removedCopy: true });

    // Replayed syncs find the copy gone again and tell nobody.
    await sync();
    await sync();
    const notices = await noticesAbout(t.database.db, tenant, meeting.id);
    const answers = notices.filter((notice) => notice.kind === 'meeting_response');
    expect(answers).toHaveLength(1);
    expect(sentence(tenant, answers[0]?.kind ?? '', answers[0]?.payload)).toMatch(
      new RegExp(`removed ${meeting.title} from their calendar \\(declined\\)$`),
    );
  });
});

describe('answers given in the learner’s own calendar', () => {
  it('a decline set in their CalDAV calendar (PARTSTAT) reaches the meeting through sync', async () => {
    const tenant = await t.freshTenant('caldav-decline');
    const { meeting, attendeeId, sync, copyId } = await sentAndLinked(
      tenant,
      { kind: 'google', account: GOOGLE_ACCOUNTS.organizer },
      { kind: 'caldav', account: LEO.address },
    );
    const read = await fetch(radicaleUrl(copyId), { headers: { authorization: radicaleAuth } });
    const ics = await read.text();
    expect(ics).toContain('PARTSTAT=NEEDS-ACTION');
    const written = await fetch(radicaleUrl(copyId), {
      method: 'PUT',
      headers: {
        authorization: radicaleAuth,
        'content-type': 'text/calendar; charset=utf-8',
        'if-match': read.headers.get('etag') ?? '*',
      },
      body: ics.replace('PARTSTAT=NEEDS-ACTION', 'PARTSTAT=DECLINED'),
    });
    expect(written.ok).toBe(true);
    await sync();
    expect(await attendeeRow(t.database.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedVia: 'provider',
      respondedProvider: 'caldav',
      declinedByRemoval: false,
    });
    await sync();
    const notices = await noticesAbout(t.database.db, tenant, meeting.id);
    expect(notices.filter((notice) => notice.kind === 'meeting_response')).toHaveLength(1);
  });

  it('a decline in Google and then the copy deleted: declined once, by the answer, not again by the removal', async () => {
    const tenant = await t.freshTenant('decline-then-delete');
    const { meeting, attendeeId, sync, copyId, calendarId } = await sentAndLinked(
      tenant,
      { kind: 'google', account: GOOGLE_ACCOUNTS.organizer },
      { kind: 'google', account: GOOGLE_ACCOUNTS.attendee },
    );
    const [connection] = await t.database.db
      .select()
      .from(calendarConnections)
      .innerJoin(calendars, eq(calendars.connectionId, calendarConnections.id))
      .where(eq(calendars.id, calendarId));
    if (!connection) throw new Error('no learner connection');
    const provider = await t.registry.forConnection(t.database.db, connection.calendar_connections);
    await provider.respondToEvent(connection.calendars.externalId, copyId, 'declined');
    await sync();
    expect((await attendeeRow(t.database.db, attendeeId)).response).toBe('declined');

    expect((await deleteCopy.google(GOOGLE_ACCOUNTS.attendee, copyId)).ok).toBe(true);
    await sync();
    expect(await attendeeRow(t.database.db, attendeeId)).toMatchObject({
      response: 'declined',
      declinedByRemoval: false,
    });
    const notices = await noticesAbout(t.database.db, tenant, meeting.id);
    expect(notices.filter((notice) => notice.kind === 'meeting_response')).toHaveLength(1);
  });
});
