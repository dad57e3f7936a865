import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { meetingAttendees, memberships, users } from '@/server/db/schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Names for the ids notification payloads mention: members of the tenant by user id, and
 * meeting attendees (outside guests too) by attendee id. Only the tenant's own rows are read, so
 * a payload can never name someone of another tenant.
 */
export async function namesOf(db: Executor, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  const names = new Map<string, string>();
  if (wanted.length === 0) return names;
  const members = await db
    .select({ id: users.id, name: sql<string>`coalesce(${users.name}, ${users.email})` })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), inArray(memberships.userId, wanted)));
  for (const member of members) names.set(member.id, member.name);
  const attendeeIds = wanted.filter((id) => UUID.test(id) && !names.has(id));
  if (attendeeIds.length > 0) {
    const attendees = await db
      .select({
        id: meetingAttendees.id,
        name: sql<string>`coalesce(${users.name}, ${meetingAttendees.name}, ${meetingAttendees.email})`,
      })
      .from(meetingAttendees)
      .leftJoin(users, eq(users.id, meetingAttendees.userId))
      .where(and(eq(meetingAttendees.tenantId, tenantId), inArray(meetingAttendees.id, attendeeIds)));
    for (const attendee of attendees) names.set(attendee.id, attendee.name);
  }
  return names;
}
