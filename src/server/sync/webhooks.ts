import { timingSafeEqual } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '@/server/app-deps/types';
import type { Database } from '@/server/db/client';
import { calendars, syncCursors } from '@/server/db/schema';
import type { JobEvent } from '@/server/jobs/events';
import { opaqueToken } from '@/server/validation/text';
import { hashChannelToken } from './push-channels';
import { claimMessageNumber, queuePushSync, releaseMessageNumber, releasePushSync } from './push-sync-queue';

/**
 * Push notifications from Google channels and Graph subscriptions (DESIGN.md §4 rules 2 and 6).
 * Each one is authenticated by the secret we gave the provider, compared by hash in constant time;
 * anything unknown or forged is ignored without a trace of it in the database. A genuine one only
 * asks for an incremental sync of its calendar, and at most one such sync is queued per calendar
 * (push-sync-queue.ts), so replays and bursts cost one lookup each and no extra syncs.
 */

export type WebhookDeps = Pick<AppDeps, 'db' | 'jobs' | 'now'>;

/**
 * `dispatched`: a sync (or renewal) was sent; `coalesced`: a sync was already queued;
 * `duplicate`: a Google message number already seen; `acknowledged`: nothing to do.
 */
export type WebhookOutcome = 'dispatched' | 'coalesced' | 'duplicate' | 'acknowledged' | 'ignored';

interface KnownChannel {
  channelId: string;
  tenantId: string;
  calendarId: string;
  connectionId: string;
  resourceId: string | null;
  tokenHash: string | null;
}

/**
 * The channel id is our random UUID (Google) or Graph's subscription id, unique across tenants
 * (sync_cursors_channel_uq); the tenant is learnt from the row, and only once the secret matches.
 * One query for any number of ids.
 */
async function findChannels(db: Database, channelIds: string[]): Promise<Map<string, KnownChannel>> {
  if (channelIds.length === 0) return new Map();
  const rows = await db
    .select({
      channelId: syncCursors.channelId,
      tenantId: syncCursors.tenantId,
      calendarId: syncCursors.calendarId,
      connectionId: calendars.connectionId,
      resourceId: syncCursors.channelResourceId,
      tokenHash: syncCursors.channelTokenHash,
    })
    .from(syncCursors)
    .innerJoin(
      calendars,
      and(eq(calendars.id, syncCursors.calendarId), eq(calendars.tenantId, syncCursors.tenantId)),
    )
    .where(inArray(syncCursors.channelId, [...new Set(channelIds)]));
  return new Map(
    rows.flatMap((row) => (row.channelId ? [[row.channelId, { ...row, channelId: row.channelId }]] : [])),
  );
}

function authenticated(
  channel: KnownChannel | undefined,
  secret: string | undefined,
): channel is KnownChannel {
  return Boolean(channel?.tokenHash && secret && secretMatches(secret, channel.tokenHash));
}

function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashChannelToken(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function syncRequest(channel: KnownChannel): JobEvent {
  return {
    name: 'tandem/calendar.sync-requested',
    data: {
      tenantId: channel.tenantId,
      calendarId: channel.calendarId,
      connectionId: channel.connectionId,
      reason: 'push',
    },
  };
}

/** Sends the calendar's sync unless one is already queued; a failed send leaves none queued. */
async function requestPushSync(deps: WebhookDeps, channels: KnownChannel[]): Promise<KnownChannel[]> {
  const queued: KnownChannel[] = [];
  for (const channel of channels) {
    if (await queuePushSync(deps.db, channel, deps.now())) queued.push(channel);
  }
  if (queued.length === 0) return queued;
  try {
    await deps.jobs.send(queued.map(syncRequest));
  } catch (error) {
    for (const channel of queued) await releasePushSync(deps.db, channel);
    throw error;
  }
  return queued;
}

const googleHeadersSchema = z.object({
  channelId: opaqueToken(256),
  token: opaqueToken(256),
  resourceId: opaqueToken(256),
  state: z.enum(['sync', 'exists', 'not_exists']),
  messageNumber: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * One Google notification (headers only, no body). `sync` is the channel's hello: nothing to do.
 * `exists` / `not_exists`: something changed; the sync token tells us what.
 */
export async function receiveGoogleNotification(
  deps: WebhookDeps,
  headers: Headers,
): Promise<WebhookOutcome> {
  const parsed = googleHeadersSchema.safeParse({
    channelId: headers.get('x-goog-channel-id') ?? undefined,
    token: headers.get('x-goog-channel-token') ?? undefined,
    resourceId: headers.get('x-goog-resource-id') ?? undefined,
    state: headers.get('x-goog-resource-state') ?? undefined,
    messageNumber: headers.get('x-goog-message-number') ?? undefined,
  });
  if (!parsed.success) return 'ignored';
  const notification = parsed.data;
  const channel = (await findChannels(deps.db, [notification.channelId])).get(notification.channelId);
  if (!authenticated(channel, notification.token) || channel.resourceId !== notification.resourceId)
    return 'ignored';
  if (
    notification.messageNumber !== undefined &&
    !(await claimMessageNumber(deps.db, channel, notification.messageNumber))
  ) {
    return 'duplicate';
  }
  if (notification.state === 'sync') return 'acknowledged';
  try {
    return (await requestPushSync(deps, [channel])).length > 0 ? 'dispatched' : 'coalesced';
  } catch (error) {
    if (notification.messageNumber !== undefined)
      await releaseMessageNumber(deps.db, channel, notification.messageNumber);
    throw error;
  }
}

/** Graph batches far fewer per POST; the cap bounds the work one unauthenticated request causes. */
export const MAX_GRAPH_NOTIFICATIONS = 100;

const graphNotificationSchema = z.object({
  subscriptionId: opaqueToken(256),
  clientState: z.string().max(256).optional(),
  changeType: z.string().max(64).optional(),
  lifecycleEvent: z.string().max(64).optional(),
});

export interface GraphDelivery {
  dispatched: number;
  ignored: number;
  /** Set when the delivery was refused whole: not Graph's shape, or more items than Graph sends. */
  refused?: 'malformed' | 'too_many';
}

const graphDeliverySchema = z.object({ value: z.array(z.unknown()) });

/**
 * A Graph notification collection (change and lifecycle notifications share the endpoint).
 * Changes and `missed` → a sync of the calendar (once per calendar per delivery, and only if none
 * is queued); `reauthorizationRequired` → renew the subscription; `subscriptionRemoved` → create it again.
 */
export async function receiveGraphNotifications(deps: WebhookDeps, body: unknown): Promise<GraphDelivery> {
  const envelope = graphDeliverySchema.safeParse(body);
  if (!envelope.success) return { dispatched: 0, ignored: 0, refused: 'malformed' };
  if (envelope.data.value.length > MAX_GRAPH_NOTIFICATIONS)
    return { dispatched: 0, ignored: 0, refused: 'too_many' };
  const items = z.array(graphNotificationSchema).safeParse(envelope.data.value);
  if (!items.success) return { dispatched: 0, ignored: 0, refused: 'malformed' };

  const channels = await findChannels(
    deps.db,
    items.data.map((item) => item.subscriptionId),
  );
  const toSync = new Map<string, KnownChannel>();
  const renewals = new Map<string, JobEvent>();
  let ignored = 0;
  for (const item of items.data) {
    const channel = channels.get(item.subscriptionId);
    if (!authenticated(channel, item.clientState)) {
      ignored += 1;
      continue;
    }
    const lifecycle = item.lifecycleEvent;
    if (lifecycle === 'reauthorizationRequired' || lifecycle === 'subscriptionRemoved') {
      const reason =
        lifecycle === 'reauthorizationRequired' ? 'reauthorization_required' : 'subscription_removed';
      renewals.set(`${channel.calendarId}:${reason}`, {
        name: 'tandem/push-channel.renewal-requested',
        data: { tenantId: channel.tenantId, calendarId: channel.calendarId, reason },
      });
    } else if (lifecycle === undefined || lifecycle === 'missed') {
      toSync.set(channel.calendarId, channel);
    } else {
      ignored += 1;
    }
  }
  if (renewals.size > 0) await deps.jobs.send([...renewals.values()]);
  const synced = await requestPushSync(deps, [...toSync.values()]);
  return { dispatched: renewals.size + synced.length, ignored };
}
