import { eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { memberships, tenants, users, type Permission, type Role } from '@/server/db/schema';
import { DEFAULT_WORKING_HOURS, type WorkingHours } from '@/server/users/working-hours';

export interface MemberSpec {
  email: string;
  name: string;
  role: Role;
  permissions?: Permission[];
  timeZone: string;
  workingHours?: WorkingHours;
  /** argon2 PHC string; hash once and share it when many users get the same password. */
  passwordHash: string;
}

export interface TenantSpec {
  name: string;
  slug: string;
  calendarIntegrationEnabled?: boolean;
  members: MemberSpec[];
}

export interface ProvisionedTenant {
  tenantId: string;
  /** User id by email. */
  userIds: Map<string, string>;
}

/** Creates a tenant and its members in one go (the demo seed, test fixtures, bulk onboarding). */
export async function provisionTenant(db: Executor, spec: TenantSpec): Promise<ProvisionedTenant> {
  const [tenant] = await db
    .insert(tenants)
    .values({
      name: spec.name,
      slug: spec.slug,
      calendarIntegrationEnabled: spec.calendarIntegrationEnabled ?? false,
    })
    .returning({ id: tenants.id });
  if (!tenant) throw new Error('insert returned no row');
  const userIds = new Map<string, string>();
  if (spec.members.length === 0) return { tenantId: tenant.id, userIds };
  const inserted = await db
    .insert(users)
    .values(
      spec.members.map((member) => ({
        email: member.email.toLowerCase(),
        name: member.name,
        passwordHash: member.passwordHash,
        timeZone: member.timeZone,
        workingHours: member.workingHours ?? DEFAULT_WORKING_HOURS,
      })),
    )
    .returning({ id: users.id, email: users.email });
  for (const row of inserted) userIds.set(row.email, row.id);
  await db.insert(memberships).values(
    spec.members.map((member) => ({
      tenantId: tenant.id,
      userId: userIds.get(member.email.toLowerCase()) ?? '',
      role: member.role,
      permissions: member.permissions ?? [],
    })),
  );
  return { tenantId: tenant.id, userIds };
}

export async function findTenantIdBySlug(db: Executor, slug: string): Promise<string | null> {
  const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug));
  return row?.id ?? null;
}
