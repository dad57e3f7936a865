import { sql } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle, type DatabaseLocation } from '../src/server/db/client';
import { migrateDatabase } from '../src/server/db/migrate';
import { adminUrl, databaseUrlFor } from '../tests/support/postgres-urls';

/** A migrated, empty database for one bench run; `drop` removes it once its handle is closed. */
export interface FreshDatabase {
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

export interface BenchDatabase {
  name: 'PGlite' | 'PostgreSQL';
  open(): Promise<FreshDatabase>;
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set (a database of its own per run). */
export function benchDatabases(): BenchDatabase[] {
  const targets: BenchDatabase[] = [{ name: 'PGlite', open: () => openFresh({ kind: 'pglite' }) }];
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) targets.push({ name: 'PostgreSQL', open: () => openFreshPostgres(databaseUrl) });
  return targets;
}

async function openFresh(location: DatabaseLocation): Promise<FreshDatabase> {
  const handle = await openDatabase(location);
  await migrateDatabase(handle);
  return { handle, drop: async () => {} };
}

/** A database of its own on the server at `baseUrl`, migrated; `drop` removes it. */
export async function openFreshPostgres(baseUrl: string): Promise<FreshDatabase & { url: string }> {
  const name = `tandem_bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = await openDatabase({ kind: 'postgres', url: adminUrl(baseUrl), maxConnections: 1 });
  await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
  const { handle } = await openFresh({
    kind: 'postgres',
    url: databaseUrlFor(baseUrl, name),
    maxConnections: 4,
  });
  return {
    handle,
    url: databaseUrlFor(baseUrl, name),
    drop: async () => {
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await admin.close();
    },
  };
}
