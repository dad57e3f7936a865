import { hashPassword } from '@/server/auth/passwords';
import type { Database } from '@/server/db/client';
import type { Role } from '@/server/db/schema';
import { findActor, type Actor } from '@/server/tenants/actor';
import { provisionTenant } from '@/server/tenants/provisioning';

let sharedHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestTenant {
  tenantId: string;
  admin: Actor;
  tutor: Actor;
  learner: Actor;
  otherLearner: Actor;
}

/** A tenant with an admin (Manage Tenant Settings), a tutor and two learners, all in `zone`. */
export async function createTestTenant(
  db: Database,
  label: string,
  zone = 'Europe/London',
): Promise<TestTenant> {
  sharedHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = await sharedHash;
  const slug = `${label}-${crypto.randomUUID().slice(0, 8)}`;
  const member = (handle: string, role: Role, manage = false) => ({
    email: `${handle}@${slug}.test`,
    name: `${label} ${handle}`,
    role,
    permissions: manage ? (['manage_tenant_settings'] as const).slice() : [],
    timeZone: zone,
    passwordHash,
  });
  const { tenantId, userIds } = await provisionTenant(db, {
    name: `${label} tenant`,
    slug,
    members: [
      member('admin', 'admin', true),
      member('tutor', 'tutor'),
      member('learner', 'learner'),
      member('other', 'learner'),
    ],
  });
  const actor = async (handle: string) => {
    const found = await findActor(db, { userId: userIds.get(`${handle}@${slug}.test`) ?? '', tenantId });
    if (!found) throw new Error(`fixture member ${handle} missing`);
    return found;
  };
  return {
    tenantId,
    admin: await actor('admin'),
    tutor: await actor('tutor'),
    learner: await actor('learner'),
    otherLearner: await actor('other'),
  };
}
