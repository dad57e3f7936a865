/** `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL, or to the PGlite folder. */
import { openDatabase } from '../src/server/db/client';
import { migrateDatabase } from '../src/server/db/migrate';
import { databaseLocation } from './database-location';

const handle = await openDatabase(databaseLocation());
try {
  await migrateDatabase(handle);
  console.log(`Migrations applied (${handle.kind}).`);
} finally {
  await handle.close();
}
