/**
 * Runs before Playwright (npm run test:e2e): a fresh embedded database, or fresh e2e tenants on
 * DATABASE_URL, with the people the specs sign in as. The app under test opens it afterwards.
 */
import { inArray, like } from 'drizzle-orm';
import { rm } from 'node:fs/promises';
import { hashPassword } from '@/server/auth/passwords';
import { openDatabase } from '@/server/db/client';
import { migrateDatabase } from '@/server/db/migrate';
import { tenants, users } from '@/server/db/schema';
import { provisionTenant } from '@/server/tenants/provisioning';
import { ADMIN_TENANT, CONNECT_TENANT, E2E_PASSWORD, E2E_PGLITE_DIR, MEETINGS_TENANT } from './fixtures';

const url = process.env.DATABASE_URL;
if (!url) await rm(E2E_PGLITE_DIR, { recursive: true, force: true });
const handle = await openDatabase(url ? { kind: 'postgres', url, maxConnections: 1 } : { kind: 'pglite', dataDir: E2E_PGLITE_DIR });
try {
  await migrateDatabase(handle);
  const { db } = handle;
  // On a shared PostgreSQL database, replace what an earlier run left.
  await db.delete(tenants).where(inArray(tenants.slug, [MEETINGS_TENANT.slug, ADMIN_TENANT.slug, CONNECT_TENANT.slug]));
  await db.delete(users).where(like(users.email, '%.e2e.test'));
  const passwordHash = await hashPassword(E2E_PASSWORD);
  const person = ({ email, name }: { email: string; name: string }, role: 'admin' | 'tutor' | 'learner', manage = false) => ({
    email,
    name,
    role,
    permissions: manage ? (['manage_tenant_settings'] as const).slice() : [],
    timeZone: 'Europe/London',
    passwordHash,
  });
  await provisionTenant(db, {
    name: MEETINGS_TENANT.name,
    slug: MEETINGS_TENANT.slug,
    members: [
      person(MEETINGS_TENANT.tutor, 'tutor'),
      person(MEETINGS_TENANT.learner, 'learner'),
      person(MEETINGS_TENANT.otherLearner, 'learner'),
    ],
  });
  await provisionTenant(db, {
    name: ADMIN_TENANT.name,
    slug: ADMIN_TENANT.slug,
    members: [person(ADMIN_TENANT.admin, 'admin', true), person(ADMIN_TENANT.learner, 'learner')],
  });
  await provisionTenant(db, {
    name: CONNECT_TENANT.name,
    slug: CONNECT_TENANT.slug,
    calendarIntegrationEnabled: true,
    members: [
      person(CONNECT_TENANT.learner, 'learner'),
      person(CONNECT_TENANT.pushLearner, 'learner'),
      person(CONNECT_TENANT.tutor, 'tutor'),
    ],
  });
  console.log(`e2e database ready (${handle.kind}).`);
} finally {
  await handle.close();
}
