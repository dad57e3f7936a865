import { and, asc, desc, eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { calendarConnections, calendars, type ConnectionProvider } from '@/server/db/schema';
import type { Actor } from '@/server/tenants/actor';

/** A connected calendar in the Calendar page's legend (hidden ones too, so they can be toggled back). */
export interface CalendarLegendEntry {
  id: string;
  name: string;
  color: string | null;
  show: boolean;
  provider: ConnectionProvider;
  accountEmail: string;
}

/** The actor's own connected calendars; never anyone else's (DESIGN.md §4 rule 7). */
export async function listCalendarLegend(db: Executor, actor: Actor): Promise<CalendarLegendEntry[]> {
  return db
    .select({
      id: calendars.id,
      name: calendars.name,
      color: calendars.color,
      show: calendars.show,
      provider: calendarConnections.provider,
      accountEmail: calendarConnections.accountEmail,
    })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(calendars.tenantId, actor.tenantId),
        eq(calendarConnections.tenantId, actor.tenantId),
        eq(calendarConnections.userId, actor.userId),
      ),
    )
    .orderBy(
      asc(calendarConnections.accountEmail),
      desc(calendars.isPrimary),
      asc(calendars.name),
      asc(calendars.id),
    );
}
