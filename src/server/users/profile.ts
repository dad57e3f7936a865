import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { meetingAttendees, meetings, memberships, tenants, users, type Role } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import type { ProfileUpdate } from './inputs';
import type { WorkingHours } from './working-hours';

export interface Profile {
  id: string;
  name: string | null;
  email: string;
  timeZone: string;
  workingHours: WorkingHours;
  /** The date format chosen in Account settings; null: as the browser asks. */
  locale: string | null;
  role: Role;
  permissions: string[];
  tenant: { id: string; name: string; calendarIntegrationEnabled: boolean };
}

export async function getProfile(db: Executor, actor: Actor): Promise<Profile> {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      timeZone: users.timeZone,
      workingHours: users.workingHours,
      locale: users.locale,
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

/** Roles that invite people, and so need the tenant's directory. */
const DIRECTORY_ROLES: ReadonlySet<Role> = new Set(['admin', 'tutor']);

/**
 * The people of the actor's tenant the actor may know about. Tutors and admins invite people, so
 * they see every member; a learner sees only the people who organise meetings they are invited
 * to (their own tutors), never the rest of the tenant's names and addresses.
 */
export function listTenantMembers(db: Executor, actor: Actor, role?: Role): Promise<TenantMember[]> {
  const visible = DIRECTORY_ROLES.has(actor.role)
    ? undefined
    : inArray(
        users.id,
        db
          .select({ organizerId: meetings.organizerId })
          .from(meetingAttendees)
          .innerJoin(
            meetings,
            and(eq(meetings.id, meetingAttendees.meetingId), eq(meetings.tenantId, actor.tenantId)),
          )
          .where(
            and(eq(meetingAttendees.tenantId, actor.tenantId), eq(meetingAttendees.userId, actor.userId)),
          ),
      );
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(eq(memberships.tenantId, actor.tenantId), role ? eq(memberships.role, role) : undefined, visible),
    )
    .orderBy(asc(users.name), asc(users.email));
}
