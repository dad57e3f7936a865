import { sql } from 'drizzle-orm';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseHandle } from '@/server/db/client';
import { adminUrl, databaseUrlFor } from './postgres-urls';

export interface TestDatabase {
  db: Database;
  kind: DatabaseHandle['kind'];
}

/** What closes (and on PostgreSQL drops) each database the current test file opened. */
const openDatabases: Array<() => Promise<void>> = [];

/**
 * Closes every database the test file opened; tests/support/close-databases.ts runs it after each
 * file. The files open their database inside beforeAll, where an afterAll registered by this helper
 * never ran: on PostgreSQL every file left its database (and, in a worker that outlives the file,
 * its connections) behind.
 */
export async function closeTestDatabases(): Promise<void> {
  const closers = openDatabases.splice(0);
  await Promise.all(closers.map((close) => close()));
}

/**
 * A fresh, migrated database for one test file, dropped after the file: PostgreSQL when
 * DATABASE_URL is set (a clone of the run's template), otherwise an in-memory PGlite started
 * from the run's migrated image (global-setup.ts).
 */
export async function useTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabase');
  const baseUrl = process.env.DATABASE_URL;
  if (!template || !baseUrl) {
    const templateFile = inject('pgliteTemplateFile');
    if (!templateFile) throw new Error('No PGlite template: is global-setup.ts in vitest.config.ts?');
    const image = new Blob([await readFile(templateFile)]);
    const handle = await openDatabase({ kind: 'pglite', loadDataDir: image });
    openDatabases.push(() => handle.close());
    return { db: handle.db, kind: handle.kind };
  }
  const name = `tandem_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = await openDatabase({ kind: 'postgres', url: adminUrl(baseUrl), maxConnections: 1 });
  await admin.db.execute(sql.raw(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const handle = await openDatabase({
    kind: 'postgres',
    url: databaseUrlFor(baseUrl, name),
    maxConnections: 5,
  });
  openDatabases.push(async () => {
    await handle.close();
    await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await admin.close();
  });
  return { db: handle.db, kind: handle.kind };
}
