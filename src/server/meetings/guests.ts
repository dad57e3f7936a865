import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Transaction } from '@/server/db/client';
import { calendarConnections, memberships, users } from '@/server/db/schema';
import type { Actor } from '@/server/tenants/actor';

export interface GuestInput {
  email: string;
  name: string | null;
}

/**
 * Splits the guests a tutor typed into members of the tenant (by their Tandem email or a connected
 * calendar's account: they are invited as members, and see the meeting in Tandem) and outside
 * guests (reached by email only). The organiser's own address is dropped.
 */
export async function separateGuests(
  tx: Transaction,
  actor: Actor,
  guests: GuestInput[],
): Promise<{ members: string[]; outsiders: GuestInput[] }> {
  if (guests.length === 0) return { members: [], outsiders: [] };
  const emails = guests.map((guest) => guest.email.toLowerCase());
  const [byTandemEmail, byCalendar] = await Promise.all([
    tx
      .select({ userId: users.id, email: sql<string>`lower(${users.email})` })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, actor.tenantId), inArray(sql`lower(${users.email})`, emails))),
    tx
      .select({
        userId: calendarConnections.userId,
        email: sql<string>`lower(${calendarConnections.accountEmail})`,
      })
      .from(calendarConnections)
      .innerJoin(
        memberships,
        and(eq(memberships.userId, calendarConnections.userId), eq(memberships.tenantId, actor.tenantId)),
      )
      .where(
        and(
          eq(calendarConnections.tenantId, actor.tenantId),
          or(inArray(sql`lower(${calendarConnections.accountEmail})`, emails)),
        ),
      ),
  ]);
  const memberOf = new Map<string, string>();
  for (const row of [...byTandemEmail, ...byCalendar]) memberOf.set(row.email, row.userId);
  const members = new Set<string>();
  const outsiders: GuestInput[] = [];
  for (const guest of guests) {
    const userId = memberOf.get(guest.email.toLowerCase());
    if (userId === actor.userId) continue;
    if (userId) members.add(userId);
    else outsiders.push({ email: guest.email.toLowerCase(), name: guest.name });
  }
  return { members: [...members], outsiders };
}
