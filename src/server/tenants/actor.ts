import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { memberships, users, type Permission, type Role } from '@/server/db/schema';

/** A signed-in member acting within one tenant: what every tenant-scoped service receives. */
export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
  permissions: Permission[];
  timeZone: string;
}

export async function findActor(
  db: Executor,
  identity: { userId: string; tenantId: string },
): Promise<Actor | null> {
  const [row] = await db
    .select({
      role: memberships.role,
      permissions: memberships.permissions,
      timeZone: users.timeZone,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, identity.tenantId), eq(memberships.userId, identity.userId)))
    .limit(1);
  if (!row) return null;
  return { userId: identity.userId, tenantId: identity.tenantId, ...row };
}

export function hasPermission(actor: Actor, permission: Permission): boolean {
  return actor.permissions.includes(permission);
}
