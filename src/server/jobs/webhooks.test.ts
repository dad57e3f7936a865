/**
 * Webhooks: a change in the emulator reaches the mirror through the emulator's real push, the
 * webhook service and the inline driver; duplicates are harmless; forged or unknown notifications
 * (wrong token, unknown channel, wrong resource, wrong clientState) change nothing; the Graph
 * validation handshake and lifecycle notifications.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { calendars, externalEvents, syncCursors } from '@/server/db/schema';
import { hashChannelToken } from '@/server/sync/push-channels';
import { receiveGoogleNotification, receiveGraphNotifications } from '@/server/sync/webhooks';
import { useTestDatabase } from '@/tests/support/database';
import { ORGANIZER, startJobTestbed, timedEvent, type JobTestbed } from '@/tests/support/job-testbed';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';

vi.mock('server-only', () => ({}));

let t: JobTestbed;
let calendarId: string;

beforeAll(async () => {
  t = await startJobTestbed(await useTestDatabase(), 'webhooks');
  const connection = await t.connectGoogle();
  await t.driver.send({
    name: 'tandem/connection.added',
    data: { tenantId: t.tenant.tenantId, connectionId: connection.id },
  });
  await t.settle();
  const [row] = await t.database.db
    .select({ id: calendars.id })
    .from(calendars)
    .where(
      and(
        eq(calendars.tenantId, t.tenant.tenantId),
        eq(calendars.connectionId, connection.id),
        eq(calendars.externalId, ORGANIZER),
      ),
    );
  calendarId = row?.id ?? '';
});
afterAll(() => t.close());

async function mirrorTitles(): Promise<(string | null)[]> {
  const rows = await t.database.db
    .select({ title: externalEvents.title })
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, t.tenant.tenantId), eq(externalEvents.calendarId, calendarId)))
    .orderBy(asc(externalEvents.title));
  return rows.map((row) => row.title);
}

async function cursor() {
  const [row] = await t.database.db
    .select()
    .from(syncCursors)
    .where(and(eq(syncCursors.tenantId, t.tenant.tenantId), eq(syncCursors.calendarId, calendarId)));
  if (!row?.channelId || !row.channelResourceId) throw new Error('no channel');
  return row;
}

/** We never see a channel's token again (only its hash); the emulator knows it, as Google does. */
async function genuineToken(channelId: string): Promise<string> {
  const live = await fetch(`${t.bed.url}/__control/google/channels`).then(
    (response) => response.json() as Promise<{ channels: { id: string; token: string }[] }>,
  );
  return live.channels.find((entry) => entry.id === channelId)?.token ?? '';
}

function googleHeaders(channelId: string, token: string, resourceId: string, state = 'exists'): Headers {
  return new Headers({
    'x-goog-channel-id': channelId,
    'x-goog-channel-token': token,
    'x-goog-resource-id': resourceId,
    'x-goog-resource-state': state,
    'x-goog-message-number': '7',
  });
}

describe('Google push → webhook → sync', () => {
  it('a change made in Google reaches the mirror through the real channel', async () => {
    await t.google().createEvent(ORGANIZER, timedEvent('Pushed in', 1, 10));
    await t.settle();
    expect(t.webhookOutcomes).toContain('dispatched');
    expect(await mirrorTitles()).toEqual(['Pushed in']);
  });

  it('replayed and out-of-order notifications change nothing more', async () => {
    const exists = t.bed.emulator.control.deliveries().filter((delivery) => delivery.state === 'exists');
    expect(exists.length).toBeGreaterThan(0);
    const before = await mirrorTitles();
    const channel = await cursor();
    const token = await genuineToken(channel.channelId ?? '');
    expect(hashChannelToken(token)).toBe(channel.channelTokenHash);
    // Past the emulator's own numbers: a new message, then older and repeated ones (dropped unseen).
    const next = (channel.channelMessageNumber ?? 0) + 2;
    const deps = { db: t.database.db, jobs: t.driver, now: () => new Date() };
    for (const [number, outcome] of [
      [next, 'dispatched'],
      [next - 1, 'duplicate'],
      [next, 'duplicate'],
    ] as const) {
      const headers = googleHeaders(channel.channelId ?? '', token, channel.channelResourceId ?? '');
      headers.set('x-goog-message-number', String(number));
      expect(await receiveGoogleNotification(deps, headers)).toBe(outcome);
    }
    await t.settle();
    expect(await mirrorTitles()).toEqual(before);
  });

  it('forged notifications are ignored and dispatch nothing', async () => {
    const channel = await cursor();
    const recorded = new RecordingDispatcher();
    const deps = { db: t.database.db, jobs: recorded, now: () => new Date() };
    const forged = [
      googleHeaders(channel.channelId ?? '', 'a-guessed-token', channel.channelResourceId ?? ''),
      googleHeaders(crypto.randomUUID(), 'whatever', channel.channelResourceId ?? ''),
      googleHeaders(channel.channelId ?? '', '', channel.channelResourceId ?? ''),
      new Headers({ 'x-goog-resource-state': 'exists' }),
    ];
    for (const headers of forged) expect(await receiveGoogleNotification(deps, headers)).toBe('ignored');
    expect(recorded.sent).toEqual([]);
    expect(await cursor()).toEqual(channel);
  });

  it('a notification with the genuine channel and token but another resource id is ignored', async () => {
    const channel = await cursor();
    const token = await genuineToken(channel.channelId ?? '');
    expect(hashChannelToken(token)).toBe(channel.channelTokenHash);
    const recorded = new RecordingDispatcher();
    const deps = { db: t.database.db, jobs: recorded, now: () => new Date() };
    const otherResource = googleHeaders(
      channel.channelId ?? '',
      token,
      `${channel.channelResourceId ?? ''}-other`,
    );
    const noResource = googleHeaders(channel.channelId ?? '', token, '');
    noResource.delete('x-goog-resource-id');
    for (const headers of [otherResource, noResource])
      expect(await receiveGoogleNotification(deps, headers)).toBe('ignored');
    expect(recorded.sent).toEqual([]);
    // The same headers with the channel's own resource id do dispatch: the resource id alone decided.
    // (Through the real driver, so the sync runs and leaves no queued sync behind for later tests.)
    const genuine = googleHeaders(channel.channelId ?? '', token, channel.channelResourceId ?? '');
    genuine.set('x-goog-message-number', '1000');
    expect(await receiveGoogleNotification({ ...deps, jobs: t.driver }, genuine)).toBe('dispatched');
    await t.settle();
  });
});

describe('Graph notifications', () => {
  const token = 'graph-client-state-secret';
  const subscriptionId = 'graph-subscription-1';

  async function graphChannel() {
    await t.database.db
      .update(syncCursors)
      .set({
        channelId: subscriptionId,
        channelResourceId: subscriptionId,
        channelTokenHash: hashChannelToken(token),
      })
      .where(and(eq(syncCursors.tenantId, t.tenant.tenantId), eq(syncCursors.calendarId, calendarId)));
  }

  it('changes and lifecycle events with the right clientState become one job each per calendar', async () => {
    await graphChannel();
    const recorded = new RecordingDispatcher();
    const change = { subscriptionId, clientState: token, changeType: 'updated', resource: 'me/events/1' };
    const result = await receiveGraphNotifications(
      { db: t.database.db, jobs: recorded, now: () => new Date() },
      {
        value: [
          change,
          { ...change, changeType: 'created' },
          { subscriptionId, clientState: token, lifecycleEvent: 'reauthorizationRequired' },
          { subscriptionId, clientState: token, lifecycleEvent: 'subscriptionRemoved' },
          { subscriptionId, clientState: 'forged', changeType: 'deleted' },
          { subscriptionId: 'unknown', clientState: token, changeType: 'deleted' },
        ],
      },
    );
    expect(result).toEqual({ dispatched: 3, ignored: 2 });
    expect(recorded.sentOf('tandem/calendar.sync-requested')).toEqual([
      expect.objectContaining({ calendarId, reason: 'push' }),
    ]);
    expect(
      recorded
        .sentOf('tandem/push-channel.renewal-requested')
        .map((data) => data.reason)
        .sort(),
    ).toEqual(['reauthorization_required', 'subscription_removed']);
  });

  it('a forged or malformed delivery changes nothing', async () => {
    await graphChannel();
    const before = await cursor();
    const recorded = new RecordingDispatcher();
    const deps = { db: t.database.db, jobs: recorded, now: () => new Date() };
    await receiveGraphNotifications(deps, {
      value: [{ subscriptionId, clientState: `${token}x`, changeType: 'updated' }],
    });
    await receiveGraphNotifications(deps, { value: [{ subscriptionId, changeType: 'updated' }] });
    await receiveGraphNotifications(deps, { nothing: 'here' });
    expect(recorded.sent).toEqual([]);
    expect(await cursor()).toEqual(before);
  });

  it('the route answers the validation handshake with the token as text/plain, and a body that is not JSON with 400', async () => {
    const { POST } = await import('@/app/api/webhooks/microsoft/route');
    const handshake = await POST(
      new Request(
        'http://tandem.test/api/webhooks/microsoft?validationToken=Validation%3A+Testing+client+application',
        { method: 'POST' },
      ),
    );
    expect(handshake.status).toBe(200);
    expect(handshake.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await handshake.text()).toBe('Validation: Testing client application');
    const garbage = await POST(
      new Request('http://tandem.test/api/webhooks/microsoft', { method: 'POST', body: 'not json' }),
    );
    expect(garbage.status).toBe(400);
  });
});
