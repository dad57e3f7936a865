import { timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '@/server/app-deps/types';
import type { Database } from '@/server/db/client';
import { calendars, syncCursors } from '@/server/db/schema';
import type { JobEvent } from '@/server/jobs/events';
import { hashChannelToken } from './push-channels';

/**
 * Push notifications from Google channels and Graph subscriptions (DESIGN.md §4 rules 2 and 6).
 * Each one is authenticated by the secret we gave the provider, compared by hash in constant time;
 * anything unknown or forged is ignored without a trace of it in the database. A genuine one only
 * asks for an incremental sync of its calendar, so duplicates and reordering are harmless.
 */

export type WebhookDeps = Pick<AppDeps, 'db' | 'jobs'>;

export type WebhookOutcome = 'dispatched' | 'acknowledged' | 'ignored';

interface KnownChannel {
  tenantId: string;
  calendarId: string;
  connectionId: string;
  resourceId: string | null;
}

/**
 * The channel id is our random UUID (Google) or Graph's subscription id, unique across tenants
 * (sync_cursors_channel_uq); the tenant is learnt from the row, and only once the secret matches.
 */
async function findChannel(db: Database, channelId: string, secret: string | null): Promise<KnownChannel | null> {
  if (!secret) return null;
  const [row] = await db
    .select({
      tenantId: syncCursors.tenantId,
      calendarId: syncCursors.calendarId,
      connectionId: calendars.connectionId,
      resourceId: syncCursors.channelResourceId,
      tokenHash: syncCursors.channelTokenHash,
    })
    .from(syncCursors)
    .innerJoin(calendars, and(eq(calendars.id, syncCursors.calendarId), eq(calendars.tenantId, syncCursors.tenantId)))
    .where(eq(syncCursors.channelId, channelId));
  if (!row?.tokenHash || !secretMatches(secret, row.tokenHash)) return null;
  return { tenantId: row.tenantId, calendarId: row.calendarId, connectionId: row.connectionId, resourceId: row.resourceId };
}

function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashChannelToken(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function syncRequest(channel: KnownChannel): JobEvent {
  return {
    name: 'tandem/calendar.sync-requested',
    data: { tenantId: channel.tenantId, calendarId: channel.calendarId, connectionId: channel.connectionId, reason: 'push' },
  };
}

/**
 * One Google notification (headers only, no body). `sync` is the channel's hello: nothing to do.
 * `exists` / `not_exists`: something changed; the sync token tells us what.
 */
export async function receiveGoogleNotification(deps: WebhookDeps, headers: Headers): Promise<WebhookOutcome> {
  const channelId = headers.get('x-goog-channel-id');
  const state = headers.get('x-goog-resource-state');
  if (!channelId || channelId.length > 256 || !state) return 'ignored';
  const channel = await findChannel(deps.db, channelId, headers.get('x-goog-channel-token'));
  if (!channel || channel.resourceId !== headers.get('x-goog-resource-id')) return 'ignored';
  if (state === 'sync') return 'acknowledged';
  if (state !== 'exists' && state !== 'not_exists') return 'ignored';
  await deps.jobs.send(syncRequest(channel));
  return 'dispatched';
}

const graphNotificationSchema = z.object({
  subscriptionId: z.string().min(1).max(256),
  clientState: z.string().max(256).optional(),
  changeType: z.string().optional(),
  lifecycleEvent: z.string().optional(),
});

/** Graph's ceiling on how many notifications one POST carries is far below this; it bounds the work. */
const MAX_NOTIFICATIONS = 1_000;

export interface GraphDelivery {
  dispatched: number;
  ignored: number;
}

/**
 * A Graph notification collection (change and lifecycle notifications share the endpoint).
 * Changes and `missed` → a sync of the calendar (once per calendar per delivery);
 * `reauthorizationRequired` → renew the subscription; `subscriptionRemoved` → create it again.
 */
export async function receiveGraphNotifications(deps: WebhookDeps, body: unknown): Promise<GraphDelivery> {
  const items = z.object({ value: z.array(z.unknown()).max(MAX_NOTIFICATIONS) }).safeParse(body);
  if (!items.success) return { dispatched: 0, ignored: 1 };
  const events = new Map<string, JobEvent>();
  let ignored = 0;
  for (const item of items.data.value) {
    const parsed = graphNotificationSchema.safeParse(item);
    const channel = parsed.success ? await findChannel(deps.db, parsed.data.subscriptionId, parsed.data.clientState ?? null) : null;
    if (!parsed.success || !channel) {
      ignored += 1;
      continue;
    }
    const lifecycle = parsed.data.lifecycleEvent;
    if (lifecycle === 'reauthorizationRequired' || lifecycle === 'subscriptionRemoved') {
      const reason = lifecycle === 'reauthorizationRequired' ? 'reauthorization_required' : 'subscription_removed';
      events.set(`renew:${channel.calendarId}:${reason}`, {
        name: 'tandem/push-channel.renewal-requested',
        data: { tenantId: channel.tenantId, calendarId: channel.calendarId, reason },
      });
    } else if (lifecycle === undefined || lifecycle === 'missed') {
      events.set(`sync:${channel.calendarId}`, syncRequest(channel));
    } else {
      ignored += 1;
    }
  }
  if (events.size > 0) await deps.jobs.send([...events.values()]);
  return { dispatched: events.size, ignored };
}
