import { defineConfig } from 'drizzle-kit';

// `drizzle-kit generate` only diffs the schema against the committed snapshots; it needs no
// database. Migrations are applied by scripts/migrate.ts (and by tests) on PostgreSQL or PGlite.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/db/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
});
