import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNotNull, lt } from 'drizzle-orm';
import { calendarConnections, calendars, syncCursors, tenants } from '@/server/db/schema';
import type { ConnectionRow } from '@/server/connections/provider-registry';
import { ProviderAuthRevokedError } from '@/server/providers/errors';
import type { CalendarProvider, PushChannel, ProviderCapabilities } from '@/server/providers/types';
import { markConnectionNeedsReauth } from './connection-health';
import type { SyncDeps } from './deps';

/**
 * Push channels (Google watch channels, Graph subscriptions) that wake incremental sync
 * (DESIGN.md §4 rule 2). The secret we hand the provider (channel token / clientState) is stored
 * only as its SHA-256: a leaked database cannot forge notifications.
 */

export interface PushChannelDeps extends SyncDeps {
  /** The app's public URL; webhooks live at `${appUrl}/api/webhooks/google|microsoft`. */
  appUrl: string;
}

/** Channels closer than this to expiry are renewed by the cron (which runs every 30 minutes). */
export const RENEW_BEFORE_MS = 24 * 3_600_000;
/** Google's channels last a week at most by default; Graph caps event subscriptions near 70 h. */
const TTL_SECONDS: Record<NonNullable<ProviderCapabilities['push']>, number> = {
  google_channel: 7 * 86_400,
  graph_subscription: (4230 - 5) * 60,
};
const WEBHOOK_PATH: Record<NonNullable<ProviderCapabilities['push']>, string> = {
  google_channel: '/api/webhooks/google',
  graph_subscription: '/api/webhooks/microsoft',
};

export function hashChannelToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type PushChannelStatus = 'unsupported' | 'active' | 'created' | 'renewed' | 'skipped';

interface CalendarTarget {
  tenantId: string;
  calendarId: string;
}

interface CalendarWithChannel {
  calendar: typeof calendars.$inferSelect;
  connection: ConnectionRow;
  cursor: typeof syncCursors.$inferSelect | null;
}

async function loadCalendar(deps: SyncDeps, target: CalendarTarget): Promise<CalendarWithChannel | null> {
  const [row] = await deps.db
    .select({ calendar: calendars, connection: calendarConnections, cursor: syncCursors })
    .from(calendars)
    .innerJoin(
      calendarConnections,
      and(
        eq(calendarConnections.id, calendars.connectionId),
        eq(calendarConnections.tenantId, target.tenantId),
      ),
    )
    .leftJoin(
      syncCursors,
      and(eq(syncCursors.calendarId, calendars.id), eq(syncCursors.tenantId, target.tenantId)),
    )
    .where(and(eq(calendars.tenantId, target.tenantId), eq(calendars.id, target.calendarId)));
  return row ?? null;
}

function storedChannel(cursor: CalendarWithChannel['cursor']): PushChannel | null {
  if (!cursor?.channelId || !cursor.channelResourceId || !cursor.channelExpiresAt) return null;
  return {
    channelId: cursor.channelId,
    resourceId: cursor.channelResourceId,
    expiresAt: cursor.channelExpiresAt,
  };
}

function newWatchRequest(deps: PushChannelDeps, push: NonNullable<ProviderCapabilities['push']>) {
  return {
    address: new URL(WEBHOOK_PATH[push], deps.appUrl).toString(),
    token: randomBytes(32).toString('base64url'),
    channelId: randomUUID(),
    ttlSeconds: TTL_SECONDS[push],
  };
}

/** Upserts: the cursor row may not exist yet when the channel is made before the first sync. */
async function saveChannel(
  deps: Pick<SyncDeps, 'db' | 'now'>,
  target: CalendarTarget,
  channel: PushChannel | null,
  tokenHash: string | null,
) {
  const fields = {
    channelId: channel?.channelId ?? null,
    channelResourceId: channel?.resourceId ?? null,
    channelTokenHash: channel ? tokenHash : null,
    channelExpiresAt: channel?.expiresAt ?? null,
    // A new Google channel numbers its messages from 1 again.
    channelMessageNumber: null,
    updatedAt: deps.now(),
  };
  await deps.db
    .insert(syncCursors)
    .values({ calendarId: target.calendarId, tenantId: target.tenantId, ...fields })
    .onConflictDoUpdate({
      target: syncCursors.calendarId,
      set: fields,
      setWhere: eq(syncCursors.tenantId, target.tenantId),
    });
}

async function providerFor(deps: SyncDeps, found: CalendarWithChannel): Promise<CalendarProvider> {
  try {
    return await deps.providers.forConnection(deps.db, found.connection);
  } catch (error) {
    await noteRevoked(deps, found, error);
    throw error;
  }
}

async function noteRevoked(deps: SyncDeps, found: CalendarWithChannel, error: unknown): Promise<void> {
  if (!(error instanceof ProviderAuthRevokedError)) return;
  await markConnectionNeedsReauth(
    deps.db,
    { tenantId: found.calendar.tenantId, connectionId: found.connection.id },
    deps.now(),
  );
}

/**
 * Makes sure the calendar has a live push channel when its provider pushes. Idempotent: a live
 * channel is left alone; an expired or missing one is replaced by a new one.
 */
export async function ensurePushChannel(
  deps: PushChannelDeps,
  target: CalendarTarget,
): Promise<{ status: PushChannelStatus }> {
  const found = await loadCalendar(deps, target);
  if (!found || found.connection.status === 'needs_reauth') return { status: 'skipped' };
  const existing = storedChannel(found.cursor);
  if (existing && existing.expiresAt.getTime() > deps.now().getTime()) return { status: 'active' };
  const provider = await providerFor(deps, found);
  const push = provider.capabilities.push;
  if (!push) return { status: 'unsupported' };
  const request = newWatchRequest(deps, push);
  const channel = await provider.watch(found.calendar.externalId, request).catch(async (error: unknown) => {
    await noteRevoked(deps, found, error);
    throw error;
  });
  await saveChannel(deps, target, channel, hashChannelToken(request.token));
  return { status: 'created' };
}

/**
 * Renews one calendar's channel now (cron, or Graph's `reauthorizationRequired`), or creates it
 * afresh (`recreate`: Graph's `subscriptionRemoved`, or a channel already past its expiry).
 */
export async function renewPushChannel(
  deps: PushChannelDeps,
  target: CalendarTarget & { recreate?: boolean },
): Promise<{ status: PushChannelStatus }> {
  const found = await loadCalendar(deps, target);
  if (!found || found.connection.status === 'needs_reauth') return { status: 'skipped' };
  const existing = storedChannel(found.cursor);
  if (!existing || target.recreate || existing.expiresAt.getTime() <= deps.now().getTime()) {
    if (existing) await saveChannel(deps, target, null, null);
    return ensurePushChannel(deps, target);
  }
  const provider = await providerFor(deps, found);
  const push = provider.capabilities.push;
  if (!push) return { status: 'unsupported' };
  const request = newWatchRequest(deps, push);
  const renewed = await provider
    .renewWatch(found.calendar.externalId, existing, request)
    .catch(async (error: unknown) => {
      await noteRevoked(deps, found, error);
      throw error;
    });
  // Graph renews in place and keeps the clientState it already has; a new channel carries the new token.
  const tokenHash =
    renewed.channelId === existing.channelId
      ? (found.cursor?.channelTokenHash ?? null)
      : hashChannelToken(request.token);
  await saveChannel(deps, target, renewed, tokenHash);
  return { status: 'renewed' };
}

/** Tenants whose calendar integration is on: crons work tenant by tenant and skip the others. */
export async function listIntegrationTenants(deps: Pick<SyncDeps, 'db'>): Promise<string[]> {
  const rows = await deps.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.calendarIntegrationEnabled, true));
  return rows.map((row) => row.id);
}

export interface RenewalReport {
  renewed: number;
  failed: number;
}

/** Renews every channel that expires within RENEW_BEFORE_MS; one failure does not stop the others. */
export async function renewExpiringChannels(deps: PushChannelDeps): Promise<RenewalReport> {
  const report: RenewalReport = { renewed: 0, failed: 0 };
  const horizon = new Date(deps.now().getTime() + RENEW_BEFORE_MS);
  for (const tenantId of await listIntegrationTenants(deps)) {
    const due = await deps.db
      .select({ calendarId: syncCursors.calendarId })
      .from(syncCursors)
      .innerJoin(calendars, and(eq(calendars.id, syncCursors.calendarId), eq(calendars.tenantId, tenantId)))
      .innerJoin(
        calendarConnections,
        and(eq(calendarConnections.id, calendars.connectionId), eq(calendarConnections.tenantId, tenantId)),
      )
      .where(
        and(
          eq(syncCursors.tenantId, tenantId),
          isNotNull(syncCursors.channelId),
          lt(syncCursors.channelExpiresAt, horizon),
          eq(calendarConnections.status, 'active'),
        ),
      );
    for (const { calendarId } of due) {
      try {
        const { status } = await renewPushChannel(deps, { tenantId, calendarId });
        if (status === 'renewed' || status === 'created') report.renewed += 1;
      } catch (error) {
        report.failed += 1;
        console.warn(`[push] renewing the channel of calendar ${calendarId} failed:`, error);
      }
    }
  }
  return report;
}

/**
 * Stops the push channels of a connection's calendars (before a disconnect). Best effort: the
 * provider may already have dropped them, or refuse us; they expire on their own anyway.
 */
export async function stopConnectionChannels(
  deps: Pick<SyncDeps, 'db' | 'providers' | 'now'>,
  target: { tenantId: string; connectionId: string },
): Promise<void> {
  const [connection] = await deps.db
    .select()
    .from(calendarConnections)
    .where(
      and(eq(calendarConnections.tenantId, target.tenantId), eq(calendarConnections.id, target.connectionId)),
    );
  if (!connection) return;
  const rows = await deps.db
    .select({ calendarId: calendars.id, cursor: syncCursors })
    .from(syncCursors)
    .innerJoin(
      calendars,
      and(eq(calendars.id, syncCursors.calendarId), eq(calendars.tenantId, target.tenantId)),
    )
    .where(
      and(
        eq(syncCursors.tenantId, target.tenantId),
        eq(calendars.connectionId, target.connectionId),
        isNotNull(syncCursors.channelId),
      ),
    );
  if (rows.length === 0) return;
  let provider: CalendarProvider | null = null;
  try {
    provider = await deps.providers.forConnection(deps.db, connection);
  } catch (error) {
    console.warn(
      `[push] cannot reach the provider of connection ${target.connectionId} to stop its channels:`,
      error,
    );
  }
  for (const { calendarId, cursor } of rows) {
    const channel = storedChannel(cursor);
    if (provider && channel) {
      await provider.stopWatch(channel).catch((error: unknown) => {
        console.warn(`[push] stopping channel ${channel.channelId} failed:`, error);
      });
    }
    await saveChannel(deps, { tenantId: target.tenantId, calendarId }, null, null);
  }
}
