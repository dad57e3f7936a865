import type { DatabaseLocation } from '../src/server/db/client';

/** Scripts read only the database settings, so they run before AUTH_SECRET and friends exist. */
export function databaseLocation(): DatabaseLocation {
  const url = process.env.DATABASE_URL;
  if (url) return { kind: 'postgres', url, maxConnections: 2 };
  return { kind: 'pglite', dataDir: process.env.PGLITE_DATA_DIR ?? '.data/pglite' };
}
