import type { TestProject } from 'vitest/node';
import { openDatabase } from '@/server/db/client';
import { migrateDatabase } from '@/server/db/migrate';
import { adminUrl, databaseUrlFor } from './postgres-urls';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL runs: a migrated database every test file clones (CREATE DATABASE … TEMPLATE). */
    templateDatabase: string | null;
  }
}

/**
 * With DATABASE_URL, migrates one template database on that server once per run; each test file
 * then gets its own copy. Without it, each test file migrates its own in-memory PGlite.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    project.provide('templateDatabase', null);
    return async () => {};
  }
  const template = `tandem_template_${process.pid}`;
  const admin = await openDatabase({ kind: 'postgres', url: adminUrl(baseUrl), maxConnections: 1 });
  const { sql } = await import('drizzle-orm');
  await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${template}`));
  await admin.db.execute(sql.raw(`CREATE DATABASE ${template}`));
  const templateHandle = await openDatabase({
    kind: 'postgres',
    url: databaseUrlFor(baseUrl, template),
    maxConnections: 1,
  });
  await migrateDatabase(templateHandle);
  await templateHandle.close();
  project.provide('templateDatabase', template);
  return async () => {
    await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
    await admin.close();
  };
}
