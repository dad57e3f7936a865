import 'server-only';
import { getEnv } from '@/env';
import { openDatabase, type Database, type DatabaseHandle } from './client';

// One handle per process. Next.js may evaluate this module more than once (separate bundles for
// route handlers and server components), and PGlite must never open its data folder twice.
const globalForDb = globalThis as typeof globalThis & { tandemDatabase?: Promise<DatabaseHandle> };

export function getDatabaseHandle(): Promise<DatabaseHandle> {
  globalForDb.tandemDatabase ??= openDatabase(databaseLocationFromEnv());
  return globalForDb.tandemDatabase;
}

export async function getDb(): Promise<Database> {
  return (await getDatabaseHandle()).db;
}

export function databaseLocationFromEnv() {
  const env = getEnv();
  return env.DATABASE_URL
    ? ({ kind: 'postgres', url: env.DATABASE_URL } as const)
    : ({ kind: 'pglite', dataDir: env.PGLITE_DATA_DIR } as const);
}
