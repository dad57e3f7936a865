import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '@/server/db/client';
import { migrateDatabase } from '@/server/db/migrate';
import { adminUrl, databaseUrlFor } from './postgres-urls';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL runs: a migrated database every test file clones (CREATE DATABASE … TEMPLATE). */
    templateDatabase: string | null;
    /** PGlite runs: a file holding a migrated PGlite data directory every test file starts from. */
    pgliteTemplateFile: string | null;
  }
}

/**
 * Migrates one template database per run; each test file then gets its own copy of it. With
 * DATABASE_URL the template is a database on that server (cloned by CREATE DATABASE … TEMPLATE);
 * without, it is a PGlite data directory dumped to a file (loaded by each file's own PGlite).
 * Either way the same migrations build it: starting a PGlite cluster and migrating it took ~4 s
 * per file, loading the image takes a fraction of that.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    project.provide('templateDatabase', null);
    return preparePgliteTemplate(project);
  }
  project.provide('pgliteTemplateFile', null);
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

async function preparePgliteTemplate(project: TestProject): Promise<() => Promise<void>> {
  const file = path.join(tmpdir(), `tandem-pglite-template-${process.pid}.tar.gz`);
  const handle = await openDatabase({ kind: 'pglite' });
  try {
    await migrateDatabase(handle);
    // drizzle's PGlite database keeps its client as $client; the handle's type hides the driver.
    const client = (handle.db as unknown as { $client: PGlite }).$client;
    const image = await client.dumpDataDir('gzip');
    await writeFile(file, Buffer.from(await image.arrayBuffer()));
  } finally {
    await handle.close();
  }
  project.provide('pgliteTemplateFile', file);
  return () => rm(file, { force: true });
}
