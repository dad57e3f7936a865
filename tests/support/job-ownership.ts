import { eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { calendarConnections, calendars } from '@/server/db/schema';
import type { JobEvent } from '@/server/jobs/events';

/**
 * The jobs among `events` that name something other than the caller's own: another tenant, or a
 * connection or calendar that is not the caller's. A job runs with no session, trusting the ids it
 * carries, so a procedure that queues one for someone else's calendar has acted on it, whatever
 * it answered. Each finding is a sentence for the assertion message.
 */
export async function jobsNotOwnedBy(
  db: Executor,
  caller: { userId: string; tenantId: string },
  events: readonly JobEvent[],
): Promise<string[]> {
  const findings: string[] = [];
  for (const event of events) {
    const { data } = event;
    if (data.tenantId !== caller.tenantId) findings.push(`${event.name} names tenant ${data.tenantId}`);
    const connectionIds = 'connectionId' in data && data.connectionId ? [data.connectionId] : [];
    if ('calendarId' in data) {
      const [calendar] = await db
        .select({ tenantId: calendars.tenantId, connectionId: calendars.connectionId })
        .from(calendars)
        .where(eq(calendars.id, data.calendarId));
      if (!calendar || calendar.tenantId !== caller.tenantId)
        findings.push(`${event.name} names calendar ${data.calendarId} of another tenant`);
      if (calendar) connectionIds.push(calendar.connectionId);
    }
    for (const connectionId of new Set(connectionIds)) {
      const [connection] = await db
        .select({ tenantId: calendarConnections.tenantId, userId: calendarConnections.userId })
        .from(calendarConnections)
        .where(eq(calendarConnections.id, connectionId));
      if (!connection || connection.tenantId !== caller.tenantId || connection.userId !== caller.userId) {
        findings.push(`${event.name} names connection ${connectionId}, not the caller's`);
      }
    }
  }
  return findings;
}
