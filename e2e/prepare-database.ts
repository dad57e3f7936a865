/**
 * Runs before Playwright (npm run test:e2e): a fresh embedded database, or on DATABASE_URL the
 * schema brought up to date with what earlier runs left removed. The app under test opens it
 * afterwards; each spec then makes its own tenant and people through the app (tenant-fixture.ts).
 */
import { like } from 'drizzle-orm';
import { rm } from 'node:fs/promises';
import { openDatabase } from '@/server/db/client';
import { migrateDatabase } from '@/server/db/migrate';
import { tenants, users } from '@/server/db/schema';
import { E2E_PGLITE_DIR } from './fixtures';

const url = process.env.DATABASE_URL;
if (!url) await rm(E2E_PGLITE_DIR, { recursive: true, force: true });
const handle = await openDatabase(
  url ? { kind: 'postgres', url, maxConnections: 1 } : { kind: 'pglite', dataDir: E2E_PGLITE_DIR },
);
try {
  await migrateDatabase(handle);
  // On a shared PostgreSQL database, the tenants and people of earlier runs (tenant-fixture.ts names them).
  await handle.db.delete(tenants).where(like(tenants.slug, 'e2e-%'));
  await handle.db.delete(users).where(like(users.email, '%@e2e.test'));
  console.log(`e2e database ready (${handle.kind}).`);
} finally {
  await handle.close();
}
