import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/server/db/client';
import { memberships, tenants, users, type Role } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import { timeZoneSchema } from '@/server/time/zones';
import { storableText } from '@/server/validation/text';
import { workingHoursSchema, type WorkingHours } from './working-hours';

export interface Profile {
  id: string;
  name: string | null;
  email: string;
  timeZone: string;
  workingHours: WorkingHours;
  role: Role;
  permissions: string[];
  tenant: { id: string; name: string; calendarIntegrationEnabled: boolean };
}

export const profileUpdateSchema = z.strictObject({
  name: storableText().trim().min(1, 'A name is required').max(100).optional(),
  timeZone: timeZoneSchema.optional(),
  workingHours: workingHoursSchema.optional(),
});
export type ProfileUpdate = z.output<typeof profileUpdateSchema>;

export async function getProfile(db: Executor, actor: Actor): Promise<Profile> {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      timeZone: users.timeZone,
      workingHours: users.workingHours,
      tenantId: tenants.id,
      tenantName: tenants.name,
      calendarIntegrationEnabled: tenants.calendarIntegrationEnabled,
    })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.tenantId, actor.tenantId)))
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(users.id, actor.userId));
  if (!row) throw new NotFoundError('Profile not found');
  const { tenantId, tenantName, calendarIntegrationEnabled, ...user } = row;
  return {
    ...user,
    role: actor.role,
    permissions: actor.permissions,
    tenant: { id: tenantId, name: tenantName, calendarIntegrationEnabled },
  };
}

export async function updateProfile(db: Executor, actor: Actor, update: ProfileUpdate): Promise<Profile> {
  if (Object.keys(update).length > 0) {
    await db.update(users).set(update).where(eq(users.id, actor.userId));
  }
  return getProfile(db, actor);
}

export interface TenantMember {
  id: string;
  name: string | null;
  email: string;
  role: Role;
}

/** The people of the actor's tenant, e.g. learners a tutor can invite. */
export function listTenantMembers(db: Executor, actor: Actor, role?: Role): Promise<TenantMember[]> {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, actor.tenantId), role ? eq(memberships.role, role) : undefined))
    .orderBy(asc(users.name), asc(users.email));
}
