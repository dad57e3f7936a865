import { eq, getTableColumns, getTableName, inArray, is } from 'drizzle-orm';
import { PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '@/server/db/client';
import * as schema from '@/server/db/schema';

const TABLES = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

/** Each table's rows as sorted JSON strings: two equal snapshots mean nothing changed. */
export type Snapshot = Record<string, string[]>;

/**
 * Every row of every table in the schema (new tables are picked up automatically), or, with
 * `tenantId`, only the rows that belong to that tenant or to its members.
 */
export async function snapshotDatabase(db: Database, tenantId?: string): Promise<Snapshot> {
  const memberIds = tenantId ? await memberIdsOf(db, tenantId) : [];
  const snapshot: Snapshot = {};
  for (const table of TABLES) {
    const filter = tenantId ? tenantFilter(table, tenantId, memberIds) : undefined;
    if (filter === null) continue;
    const rows = await db.select().from(table).where(filter);
    snapshot[getTableName(table)] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return snapshot;
}

async function memberIdsOf(db: Database, tenantId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: schema.memberships.userId })
    .from(schema.memberships)
    .where(eq(schema.memberships.tenantId, tenantId));
  return rows.map((row) => row.userId);
}

/** How a table's rows are tied to a tenant; null when they are not (then it is left out). */
function tenantFilter(table: PgTable, tenantId: string, memberIds: string[]) {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  if (table === schema.tenants) return eq(schema.tenants.id, tenantId);
  if (table === schema.users) return inArray(schema.users.id, memberIds);
  if (columns.tenantId) return eq(columns.tenantId, tenantId);
  if (columns.userId) return inArray(columns.userId, memberIds);
  return null;
}
