import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { calendarConnections, calendars, syncCursors } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';

export interface CalendarRef {
  tenantId: string;
  calendarId: string;
}

/** A calendar with its connection and sync cursor, as the sync and reconcile services need them. */
export async function loadCalendarForSync(db: Executor, ref: CalendarRef) {
  const [row] = await db
    .select({ calendar: calendars, connection: calendarConnections, cursor: syncCursors })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .leftJoin(syncCursors, eq(syncCursors.calendarId, calendars.id))
    .where(
      and(
        eq(calendars.tenantId, ref.tenantId),
        eq(calendars.id, ref.calendarId),
        eq(calendarConnections.tenantId, ref.tenantId),
      ),
    )
    .limit(1);
  if (!row) throw new NotFoundError('Calendar not found');
  return row;
}
