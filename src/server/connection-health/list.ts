import { and, asc, count, eq, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
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
  /** Who made the connection: its member (Account settings) or the organisation (bulk add). */
  madeBy: 'member' | 'organisation';
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
  // One round trip: the page's ids from the connections' own index (tenant, account) with the
  // total as a window count, then only those 25 joined to their member, calendars and channels.
  const pageOfIds = db
    .select({
      id: calendarConnections.id,
      total: sql<number>`count(*) over ()`.mapWith(Number).as('total'),
    })
    .from(calendarConnections)
    .where(where)
    .orderBy(asc(calendarConnections.accountEmail), asc(calendarConnections.id))
    .limit(HEALTH_PAGE_SIZE)
    .offset((query.page - 1) * HEALTH_PAGE_SIZE)
    .as('page_of_ids');
  const rows = await db
    .select({
      total: pageOfIds.total,
      connectionId: calendarConnections.id,
      userId: calendarConnections.userId,
      name: sql<string>`coalesce(${users.name}, ${users.email})`,
      email: users.email,
      provider: calendarConnections.provider,
      accountEmail: calendarConnections.accountEmail,
      status: calendarConnections.status,
      lastSyncedAt: calendarConnections.lastSyncedAt,
      lastError: calendarConnections.lastError,
      enterpriseConnectionId: calendarConnections.enterpriseConnectionId,
      calendarCount:
        sql<number>`(select count(*) from ${calendars} where ${calendars.tenantId} = ${tenantId} and ${calendars.connectionId} = ${calendarConnections.id})`.mapWith(
          Number,
        ),
      pushExpiresAt:
        sql<Date | null>`(select min(${syncCursors.channelExpiresAt}) from ${syncCursors} inner join ${calendars} on ${calendars.id} = ${syncCursors.calendarId} where ${calendars.tenantId} = ${tenantId} and ${syncCursors.tenantId} = ${tenantId} and ${calendars.connectionId} = ${calendarConnections.id})`.mapWith(
          syncCursors.channelExpiresAt,
        ),
    })
    .from(pageOfIds)
    .innerJoin(
      calendarConnections,
      and(eq(calendarConnections.tenantId, tenantId), eq(calendarConnections.id, pageOfIds.id)),
    )
    .innerJoin(users, eq(users.id, calendarConnections.userId))
    .orderBy(asc(calendarConnections.accountEmail), asc(calendarConnections.id));
  // Past the last page there is no row to carry the total: count once.
  const total =
    rows[0]?.total ??
    (query.page > 1
      ? ((await db.select({ total: count() }).from(calendarConnections).where(where))[0]?.total ?? 0)
      : 0);
  return {
    rows: rows.map((row) => ({
      connectionId: row.connectionId,
      member: { userId: row.userId, name: row.name, email: row.email },
      provider: row.provider,
      accountEmail: row.accountEmail,
      madeBy: row.enterpriseConnectionId ? 'organisation' : 'member',
      status: row.status,
      lastSyncedAt: row.lastSyncedAt,
      lastError: row.lastError,
      pushExpiresAt: row.pushExpiresAt ?? null,
      throttled: row.lastError === THROTTLED_SENTENCE,
      calendarCount: row.calendarCount,
    })),
    page: query.page,
    pageSize: HEALTH_PAGE_SIZE,
    total,
  };
}
