import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { calendarConnections, calendars } from '@/server/db/schema';
import { providerSchedules, type CalendarTarget } from './decide';

/**
 * Each person's write target as delivery sees it: the calendar marked `isWriteTarget`, writable.
 * A connection that needs reconnecting is returned marked `needsReconnect` (only where the person
 * has no usable one): the organiser's keeps the meeting's plan stable, an attendee's is dropped
 * by the caller so its owner is reached by email until they reconnect.
 */
export async function loadWriteTargets(
  db: Executor,
  tenantId: string,
  userIds: string[],
): Promise<Map<string, CalendarTarget>> {
  const targets = new Map<string, CalendarTarget>();
  if (userIds.length === 0) return targets;
  const rows = await db
    .select({
      userId: calendarConnections.userId,
      calendarId: calendars.id,
      connectionId: calendarConnections.id,
      provider: calendarConnections.provider,
      accountEmail: calendarConnections.accountEmail,
      status: calendarConnections.status,
    })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(calendars.tenantId, tenantId),
        eq(calendarConnections.tenantId, tenantId),
        inArray(calendarConnections.userId, [...new Set(userIds)]),
        eq(calendars.isWriteTarget, true),
        eq(calendars.canWrite, true),
      ),
    );
  for (const row of rows) {
    const needsReconnect = row.status === 'needs_reauth';
    if (needsReconnect && targets.has(row.userId)) continue;
    targets.set(row.userId, {
      calendarId: row.calendarId,
      connectionId: row.connectionId,
      provider: row.provider,
      accountEmail: row.accountEmail.toLowerCase(),
      serverScheduling: providerSchedules(row.provider),
      ...(needsReconnect ? { needsReconnect } : {}),
    });
  }
  return targets;
}
