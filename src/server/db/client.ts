import { mkdir } from 'node:fs/promises';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

/** What every service takes: the same drizzle API whether PostgreSQL or PGlite is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
/** What `db.transaction` hands its callback; the one name for it (import it from here). */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** A service that may run inside a caller's transaction takes either. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export type DatabaseLocation =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  /**
   * `dataDir` undefined keeps the database in memory (tests that need no files). `loadDataDir`
   * starts it from a `dumpDataDir` image (a migrated template) instead of an empty cluster.
   */
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob };

export async function openDatabase(location: DatabaseLocation): Promise<DatabaseHandle> {
  if (location.kind === 'postgres') {
    const [{ default: postgres }, { drizzle }] = await Promise.all([
      import('postgres'),
      import('drizzle-orm/postgres-js'),
    ]);
    const client = postgres(location.url, {
      max: location.maxConnections ?? 10,
      onnotice: () => {},
    });
    const db = drizzle({ client, schema, casing: 'snake_case' });
    return { db: db as unknown as Database, kind: 'postgres', close: () => client.end() };
  }
  // Loaded only when used: PGlite brings a WebAssembly PostgreSQL.
  const [{ PGlite }, { drizzle }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
  ]);
  if (location.dataDir) await mkdir(location.dataDir, { recursive: true });
  const client = new PGlite({ dataDir: location.dataDir, loadDataDir: location.loadDataDir });
  await client.waitReady;
  const db = drizzle({ client, schema, casing: 'snake_case' });
  return { db: db as unknown as Database, kind: 'pglite', close: () => client.close() };
}
