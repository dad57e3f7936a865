import { and, asc, eq, ilike, inArray, ne, or } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  meetingAttendees,
  meetings,
  memberships,
  users,
  type Role,
} from '@/server/db/schema';
import type { Actor } from '@/server/tenants/actor';

export interface SchedulablePerson {
  userId: string;
  name: string;
  role: Role;
  /** A learner the caller has organised a meeting or review with. */
  isOwnLearner: boolean;
  /** Has a calendar that counts for availability. */
  hasCalendar: boolean;
}

export const PEOPLE_LIMIT = 50;

/**
 * Members of the caller's tenant the Scheduling Assistant can add, by name or email: the caller's
 * own learners first, then everyone else by name. The caller is always the grid's first row, so
 * is not listed.
 */
export async function listSchedulablePeople(
  db: Executor,
  actor: Actor,
  search: string | undefined,
): Promise<SchedulablePerson[]> {
  const term = search?.trim();
  const pattern = term ? `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const rows = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.tenantId, actor.tenantId),
        ne(memberships.userId, actor.userId),
        pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined,
      ),
    )
    .orderBy(asc(users.name), asc(users.email));
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.userId);
  const [own, connected] = await Promise.all([
    db
      .selectDistinct({ userId: meetingAttendees.userId })
      .from(meetingAttendees)
      .innerJoin(
        meetings,
        and(eq(meetings.id, meetingAttendees.meetingId), eq(meetings.tenantId, actor.tenantId)),
      )
      .where(
        and(
          eq(meetingAttendees.tenantId, actor.tenantId),
          eq(meetings.organizerId, actor.userId),
          inArray(meetingAttendees.userId, ids),
        ),
      ),
    db
      .selectDistinct({ userId: calendarConnections.userId })
      .from(calendars)
      .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
      .where(
        and(
          eq(calendars.tenantId, actor.tenantId),
          eq(calendarConnections.tenantId, actor.tenantId),
          eq(calendars.busy, true),
          inArray(calendarConnections.userId, ids),
        ),
      ),
  ]);
  const ownIds = new Set(own.map((row) => row.userId));
  const connectedIds = new Set(connected.map((row) => row.userId));
  const people = rows.map((row) => ({
    userId: row.userId,
    name: row.name ?? row.email,
    role: row.role,
    isOwnLearner: row.role === 'learner' && ownIds.has(row.userId),
    hasCalendar: connectedIds.has(row.userId),
  }));
  // Stable: own learners keep their name order ahead of everyone else's.
  return [...people.filter((p) => p.isOwnLearner), ...people.filter((p) => !p.isOwnLearner)].slice(
    0,
    PEOPLE_LIMIT,
  );
}
