import { and, asc, count, eq, inArray, isNotNull, isNull, min, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  syncCursors,
  users,
  type ConnectionProvider,
  type ConnectionStatus,
} from '@/server/db/schema';
import { ProviderRateLimitedError } from '@/server/providers/errors';
import { describeSyncError } from '@/server/sync/connection-health';
import { HEALTH_PAGE_SIZE, type ConnectionHealthQuery, type HealthFilter } from './inputs';

/**
 * One connection as the admin's health table shows it: who, which account, how it is doing.
 * Connections, not content: no calendar or event field beyond counts and times (DESIGN.md §4 rule 7).
 */
export interface ConnectionHealthRow {
  connectionId: string;
  member: { userId: string; name: string; email: string };
  provider: ConnectionProvider;
  accountEmail: string;
  /** Who made the connection: today every connection is made by its member through Account settings. */
  madeBy: 'member';
  status: ConnectionStatus;
  lastSyncedAt: Date | null;
  lastError: string | null;
  /** The soonest push channel expiry among its calendars; null: no channel (CalDAV, or not yet watched). */
  pushExpiresAt: Date | null;
  /** The last sync was asked to slow down (429 / rate limit) and waits. */
  throttled: boolean;
  calendarCount: number;
}

export interface ConnectionHealthPage {
  rows: ConnectionHealthRow[];
  page: number;
  pageSize: number;
  total: number;
}

const THROTTLED_SENTENCE = describeSyncError(new ProviderRateLimitedError('', null));

function filterCondition(filter: HealthFilter): SQL | undefined {
  switch (filter) {
    case 'all':
      return undefined;
    case 'needs_reconnect':
      return eq(calendarConnections.status, 'needs_reauth');
    case 'errors':
      return or(eq(calendarConnections.status, 'error'), isNotNull(calendarConnections.lastError));
    case 'never_synced':
      return isNull(calendarConnections.lastSyncedAt);
  }
}

/** A page of the tenant's connections, by account address, with a total for the pager. */
export async function listConnectionHealth(
  db: Executor,
  tenantId: string,
  query: ConnectionHealthQuery,
): Promise<ConnectionHealthPage> {
  const where = and(eq(calendarConnections.tenantId, tenantId), filterCondition(query.filter));
  // The page's ids first, from the connections' own index (tenant, account), then their details:
  // sorting and joining all 5,000 before the offset is what made a page slow.
  const [pageIds, totals] = await Promise.all([
    db
      .select({ id: calendarConnections.id })
      .from(calendarConnections)
      .where(where)
      .orderBy(asc(calendarConnections.accountEmail), asc(calendarConnections.id))
      .limit(HEALTH_PAGE_SIZE)
      .offset((query.page - 1) * HEALTH_PAGE_SIZE),
    db.select({ total: count() }).from(calendarConnections).where(where),
  ]);
  const ids = pageIds.map((row) => row.id);
  const details =
    ids.length === 0
      ? []
      : await db
          .select({
            connectionId: calendarConnections.id,
            userId: calendarConnections.userId,
            name: sql<string>`coalesce(${users.name}, ${users.email})`,
            email: users.email,
            provider: calendarConnections.provider,
            accountEmail: calendarConnections.accountEmail,
            status: calendarConnections.status,
            lastSyncedAt: calendarConnections.lastSyncedAt,
            lastError: calendarConnections.lastError,
          })
          .from(calendarConnections)
          .innerJoin(users, eq(users.id, calendarConnections.userId))
          .where(and(eq(calendarConnections.tenantId, tenantId), inArray(calendarConnections.id, ids)));
  const byId = new Map(details.map((row) => [row.connectionId, row]));
  const rows = ids.flatMap((id) => byId.get(id) ?? []);
  const perConnection =
    ids.length === 0
      ? []
      : await db
          .select({
            connectionId: calendars.connectionId,
            calendarCount: count(calendars.id),
            pushExpiresAt: min(syncCursors.channelExpiresAt),
          })
          .from(calendars)
          .leftJoin(
            syncCursors,
            and(eq(syncCursors.calendarId, calendars.id), eq(syncCursors.tenantId, tenantId)),
          )
          .where(and(eq(calendars.tenantId, tenantId), inArray(calendars.connectionId, ids)))
          .groupBy(calendars.connectionId);
  const extra = new Map(perConnection.map((row) => [row.connectionId, row]));
  return {
    rows: rows.map((row) => ({
      connectionId: row.connectionId,
      member: { userId: row.userId, name: row.name, email: row.email },
      provider: row.provider,
      accountEmail: row.accountEmail,
      madeBy: 'member',
      status: row.status,
      lastSyncedAt: row.lastSyncedAt,
      lastError: row.lastError,
      pushExpiresAt: extra.get(row.connectionId)?.pushExpiresAt ?? null,
      throttled: row.lastError === THROTTLED_SENTENCE,
      calendarCount: extra.get(row.connectionId)?.calendarCount ?? 0,
    })),
    page: query.page,
    pageSize: HEALTH_PAGE_SIZE,
    total: totals[0]?.total ?? 0,
  };
}
