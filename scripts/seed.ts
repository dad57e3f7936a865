/** `npm run db:seed`: migrates, then seeds the demo tenants if they are not there yet. */
import { openDatabase } from '../src/server/db/client';
import { migrateDatabase } from '../src/server/db/migrate';
import { seedDemoData } from '../src/server/demo/seed';
import { databaseLocation } from './database-location';

const handle = await openDatabase(databaseLocation());
try {
  await migrateDatabase(handle);
  const { created } = await seedDemoData(handle.db, new Date());
  console.log(created.length > 0 ? `Seeded: ${created.join(', ')}.` : 'Demo data already present.');
} finally {
  await handle.close();
}
