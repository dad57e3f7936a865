import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { anyOfIds, asPrepared } from '@/server/db/prepared';
import {
  calendarConnections,
  calendars,
  memberships,
  syncCursors,
  users,
  type ConnectionStatus,
  type Role,
} from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import type { WorkingHours } from '@/server/users/working-hours';

export interface SchedulingPerson {
  userId: string;
  name: string;
  email: string;
  role: Role;
  timeZone: string;
  workingHours: WorkingHours;
}

/** Someone outside the tenant is not found, whoever asks: their existence is not the caller's to learn. */
export const PERSON_NOT_FOUND = 'Person not found';

/** Members of the tenant, in the order asked; NotFound when any is not one. */
export async function loadPeople(
  db: Executor,
  tenantId: string,
  userIds: string[],
): Promise<SchedulingPerson[]> {
  const unique = [...new Set(userIds)];
  const rows = await asPrepared(
    db
      .select({
        userId: users.id,
        name: users.name,
        email: users.email,
        role: memberships.role,
        timeZone: users.timeZone,
        workingHours: users.workingHours,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, tenantId), anyOfIds(memberships.userId, unique))),
    'scheduling_people',
  );
  const byId = new Map(rows.map((row) => [row.userId, { ...row, name: row.name ?? row.email }]));
  return unique.map((id) => {
    const person = byId.get(id);
    if (!person) throw new NotFoundError(PERSON_NOT_FOUND);
    return person;
  });
}

export interface CalendarHealth {
  userId: string;
  connectionStatus: ConnectionStatus;
  busy: boolean;
  show: boolean;
  lastSyncedAt: Date | null;
  windowStart: Date | null;
  windowEnd: Date | null;
}

/** Each person's connected calendars, with what availability needs to know how far to trust them. */
export function readCalendarHealth(
  db: Executor,
  tenantId: string,
  userIds: string[],
): Promise<CalendarHealth[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return asPrepared(
    db
      .select({
        userId: calendarConnections.userId,
        connectionStatus: calendarConnections.status,
        busy: calendars.busy,
        show: calendars.show,
        lastSyncedAt: calendars.lastSyncedAt,
        windowStart: syncCursors.windowStart,
        windowEnd: syncCursors.windowEnd,
      })
      .from(calendars)
      .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
      .leftJoin(
        syncCursors,
        and(eq(syncCursors.calendarId, calendars.id), eq(syncCursors.tenantId, tenantId)),
      )
      .where(
        and(
          eq(calendars.tenantId, tenantId),
          eq(calendarConnections.tenantId, tenantId),
          anyOfIds(calendarConnections.userId, userIds),
        ),
      ),
    'calendar_health',
  );
}
