import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { calendarConnections, calendars, syncCursors } from '@/server/db/schema';
import { connectionMaySync } from './connection-health';
import type { SyncDeps } from './deps';
import { listIntegrationTenants } from './push-channels';

export interface CalendarDueForPoll {
  tenantId: string;
  connectionId: string;
  calendarId: string;
}

/**
 * The polling net under push (DESIGN.md §4 rule 2): every calendar without a live push channel
 * (CalDAV, or a channel that could not be made or has expired), and every pushed calendar not
 * synced for a whole poll interval (a lost notification must not leave it stale for long).
 * Tenant by tenant, only where the integration is on; connections waiting for reauthorization
 * are left alone (every call would fail until the user reconnects).
 */
export async function listCalendarsDueForPoll(
  deps: SyncDeps,
  options: { pollMinutes: number },
): Promise<CalendarDueForPoll[]> {
  const now = deps.now();
  const staleBefore = new Date(now.getTime() - options.pollMinutes * 60_000);
  const due: CalendarDueForPoll[] = [];
  for (const tenantId of await listIntegrationTenants(deps)) {
    const rows = await deps.db
      .select({ calendarId: calendars.id, connectionId: calendars.connectionId })
      .from(calendars)
      .innerJoin(
        calendarConnections,
        and(eq(calendarConnections.id, calendars.connectionId), eq(calendarConnections.tenantId, tenantId)),
      )
      .leftJoin(
        syncCursors,
        and(eq(syncCursors.calendarId, calendars.id), eq(syncCursors.tenantId, tenantId)),
      )
      .where(
        and(
          eq(calendars.tenantId, tenantId),
          connectionMaySync(),
          or(
            isNull(syncCursors.channelId),
            lt(syncCursors.channelExpiresAt, now),
            isNull(calendars.lastSyncedAt),
            lt(calendars.lastSyncedAt, staleBefore),
          ),
        ),
      );
    due.push(...rows.map((row) => ({ tenantId, ...row })));
  }
  return due;
}
