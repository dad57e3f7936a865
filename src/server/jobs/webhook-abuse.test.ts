/**
 * Webhooks under abuse: Google replays and bursts cost at most one queued sync per calendar;
 * Graph deliveries are looked up in one query, capped in items and bytes, refused whole when
 * malformed (a NUL byte used to reach PostgreSQL and answer 503), and floods from one address get
 * 429 before any database work.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { syncCursors } from '@/server/db/schema';
import { WEBHOOK_REQUESTS_PER_ADDRESS_PER_MINUTE } from '@/server/security/webhook-guard';
import { hashChannelToken } from '@/server/sync/push-channels';
import { QUEUED_SYNC_STALE_MS } from '@/server/sync/push-sync-queue';
import { syncCalendar } from '@/server/sync/sync-calendar';
import {
  MAX_GRAPH_NOTIFICATIONS,
  receiveGoogleNotification,
  receiveGraphNotifications,
  type WebhookDeps,
} from '@/server/sync/webhooks';
import { seedConnection } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';

vi.mock('server-only', () => ({}));
// The Graph route reaches the app's database and jobs through the composition root; here they are the test's.
const routeDeps = vi.hoisted(() => ({ db: null as unknown, jobs: null as unknown, now: () => new Date() }));
vi.mock('@/server/app-deps', () => ({ appDeps: async () => routeDeps }));

let database: TestDatabase;
let tenant: TestTenant;
const NOW = new Date('2026-03-02T08:00:00Z');

interface Channel {
  calendarId: string;
  channelId: string;
  token: string;
}

async function seedChannel(label: string): Promise<Channel> {
  const seeded = await seedConnection(database.db, tenant.learner, label);
  const channel = {
    calendarId: seeded.writableCalendarId,
    channelId: `channel-${label}`,
    token: `token-${label}`,
  };
  await database.db
    .update(syncCursors)
    .set({
      channelId: channel.channelId,
      channelResourceId: `resource-${label}`,
      channelTokenHash: hashChannelToken(channel.token),
    })
    .where(and(eq(syncCursors.tenantId, tenant.tenantId), eq(syncCursors.calendarId, channel.calendarId)));
  return channel;
}

function deps(jobs = new RecordingDispatcher(), now = NOW): WebhookDeps & { jobs: RecordingDispatcher } {
  return { db: database.db, jobs, now: () => now };
}

function googleHeaders(channel: Channel, messageNumber: number, state = 'exists'): Headers {
  return new Headers({
    'x-goog-channel-id': channel.channelId,
    'x-goog-channel-token': channel.token,
    'x-goog-resource-id': channel.channelId.replace('channel-', 'resource-'),
    'x-goog-resource-state': state,
    'x-goog-message-number': String(messageNumber),
  });
}

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'webhook-abuse');
  routeDeps.db = database.db;
  routeDeps.jobs = new RecordingDispatcher();
});

describe('Google: replays and bursts', () => {
  it('a genuine notification replayed 50 times sends one sync', async () => {
    const channel = await seedChannel('replayed');
    const { jobs, ...rest } = deps();
    const outcomes: string[] = [];
    for (let replay = 0; replay < 50; replay += 1) {
      outcomes.push(await receiveGoogleNotification({ ...rest, jobs }, googleHeaders(channel, 12)));
    }
    expect(outcomes[0]).toBe('dispatched');
    expect(new Set(outcomes.slice(1))).toEqual(new Set(['duplicate']));
    expect(jobs.sentOf('tandem/calendar.sync-requested')).toHaveLength(1);
    // Lower numbers arrive late: also already covered.
    expect(await receiveGoogleNotification({ ...rest, jobs }, googleHeaders(channel, 11))).toBe('duplicate');
  });

  it('50 new changes while a sync is queued add none; once it starts, one more is queued', async () => {
    const channel = await seedChannel('burst');
    const recorded = deps();
    const outcomes: string[] = [];
    for (let number = 2; number < 52; number += 1)
      outcomes.push(await receiveGoogleNotification(recorded, googleHeaders(channel, number)));
    expect(outcomes[0]).toBe('dispatched');
    expect(new Set(outcomes.slice(1))).toEqual(new Set(['coalesced']));
    expect(recorded.jobs.sent).toHaveLength(1);

    // The queued sync starts (here it fails at once, which still counts as started).
    const ref = { tenantId: tenant.tenantId, calendarId: channel.calendarId };
    const offline = { forConnection: () => Promise.reject(new Error('provider offline')) };
    const sync = syncCalendar(
      { db: database.db, providers: offline, now: () => NOW, window: { pastDays: 30, futureDays: 30 } },
      ref,
    );
    await expect(sync).rejects.toThrow('provider offline');
    expect(await receiveGoogleNotification(recorded, googleHeaders(channel, 60))).toBe('dispatched');
    expect(await receiveGoogleNotification(recorded, googleHeaders(channel, 61))).toBe('coalesced');
    expect(recorded.jobs.sent).toHaveLength(2);
  });

  it('a queued flag left by a lost job does not silence the calendar for good', async () => {
    const channel = await seedChannel('lost');
    expect(await receiveGoogleNotification(deps(), googleHeaders(channel, 2))).toBe('dispatched');
    const later = new Date(NOW.getTime() + QUEUED_SYNC_STALE_MS + 1);
    expect(
      await receiveGoogleNotification(deps(new RecordingDispatcher(), later), googleHeaders(channel, 3)),
    ).toBe('dispatched');
  });

  it('when the sync cannot be handed on, Google’s retry of the same message still gets through', async () => {
    const channel = await seedChannel('retried');
    const failing = {
      db: database.db,
      now: () => NOW,
      jobs: { send: () => Promise.reject(new Error('jobs down')) },
    };
    await expect(receiveGoogleNotification(failing, googleHeaders(channel, 5))).rejects.toThrow('jobs down');
    expect(await receiveGoogleNotification(deps(), googleHeaders(channel, 5))).toBe('dispatched');
  });
});

describe('Graph: cost of one delivery', () => {
  it(`looks up ${MAX_GRAPH_NOTIFICATIONS} items in one query and syncs each calendar once`, async () => {
    const channels = await Promise.all(['graph-a', 'graph-b'].map(seedChannel));
    const recorded = deps();
    const value = Array.from({ length: MAX_GRAPH_NOTIFICATIONS }, (_, index) => {
      const channel = channels[index % 3 === 2 ? 0 : index % 2] as Channel;
      const forged = index % 5 === 4;
      return {
        subscriptionId: forged ? `unknown-${index}` : channel.channelId,
        clientState: channel.token,
        changeType: 'updated',
      };
    });
    const selects = vi.spyOn(database.db, 'select');
    const delivery = await receiveGraphNotifications(recorded, { value });
    expect(selects).toHaveBeenCalledTimes(1);
    selects.mockRestore();
    expect(delivery).toEqual({ dispatched: 2, ignored: MAX_GRAPH_NOTIFICATIONS / 5 });
    expect(
      recorded.jobs
        .sentOf('tandem/calendar.sync-requested')
        .map((data) => data.calendarId)
        .sort(),
    ).toEqual(channels.map((channel) => channel.calendarId).sort());
  });

  it('refuses more items than Graph sends, and malformed ones, without a lookup', async () => {
    const recorded = deps();
    const selects = vi.spyOn(database.db, 'select');
    const item = { subscriptionId: 'channel-graph-a', clientState: 'token-graph-a', changeType: 'updated' };
    expect(
      await receiveGraphNotifications(recorded, {
        value: Array.from({ length: MAX_GRAPH_NOTIFICATIONS + 1 }, () => item),
      }),
    ).toMatchObject({
      refused: 'too_many',
    });
    for (const malformed of [
      { ...item, subscriptionId: 'sub\u0000scription' },
      'not an object',
      { ...item, subscriptionId: '' },
    ]) {
      expect(await receiveGraphNotifications(recorded, { value: [item, malformed] })).toMatchObject({
        refused: 'malformed',
      });
    }
    expect(selects).not.toHaveBeenCalled();
    selects.mockRestore();
    expect(recorded.jobs.sent).toEqual([]);
  });
});

describe('the Graph route', () => {
  const post = async (body: BodyInit | null, headers: Record<string, string> = {}, query = '') => {
    const { POST } = await import('@/app/api/webhooks/microsoft/route');
    return POST(
      new Request(`http://tandem.test/api/webhooks/microsoft${query}`, {
        method: 'POST',
        body,
        headers,
        duplex: 'half',
      } as RequestInit),
    );
  };

  it('answers 400 to a NUL subscription id and to a body that is not JSON, 202 to a forged but well-formed one', async () => {
    const item = (subscriptionId: string) =>
      JSON.stringify({ value: [{ subscriptionId, clientState: 'x', changeType: 'updated' }] });
    expect((await post(item('evil\u0000id'))).status).toBe(400);
    expect((await post('not json')).status).toBe(400);
    expect((await post(item('unknown-subscription'))).status).toBe(202);
  });

  it('answers 413 to a body past the limit, whether declared or streamed', async () => {
    const big = JSON.stringify({ value: [], padding: 'x'.repeat(300 * 1024) });
    expect((await post(big)).status).toBe(413);
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    expect((await post(endless)).status).toBe(413);
    // It stopped reading soon after the limit rather than draining the stream.
    expect(sent).toBeLessThan(10);
  });

  it('answers 429 once one address has used its minute, and serves other addresses', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (let request = 0; request < WEBHOOK_REQUESTS_PER_ADDRESS_PER_MINUTE; request += 1) {
      expect((await post(null, from('203.0.113.9'), '?validationToken=hello')).status).toBe(200);
    }
    const refused = await post(null, from('203.0.113.9'), '?validationToken=hello');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(null, from('203.0.113.10'), '?validationToken=hello')).status).toBe(200);
  });
});
