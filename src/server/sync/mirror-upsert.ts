import { getTableColumns, or, sql, type SQL } from 'drizzle-orm';
import { CasingCache } from 'drizzle-orm/casing';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '@/server/db/client';
import { externalEvents } from '@/server/db/schema';

/**
 * One upsert statement for a whole batch of mirror rows: the rows travel as a single jsonb
 * parameter unpacked by `jsonb_to_recordset`, instead of one bind parameter per column per row.
 * Building and binding ~26 parameters a row is where a multi-row `VALUES` insert spends most of
 * its time (in the query builder and in the driver), and it caps a statement at 65,535
 * parameters; one parameter costs one JSON encoding and one parse on the server.
 *
 * The column list and the record's column types come from the drizzle table, so the statement
 * follows the schema. Upserts by the natural key (calendar, external id); a replayed row (same
 * etag, status, times and generation) writes nothing.
 */

/** Every column but the generated id, none left to a default: the statement has no DEFAULT to fall back on. */
export type MirrorRow = Required<Omit<typeof externalEvents.$inferInsert, 'id'>>;

type ColumnKey = keyof typeof externalEvents.$inferSelect;

/** The database's names for the columns (the client runs drizzle with `casing: 'snake_case'`). */
const casing = new CasingCache('snake_case');
const COLUMNS = (Object.entries(getTableColumns(externalEvents)) as [ColumnKey, PgColumn][]).map(
  ([key, column]) => ({
    key,
    column,
    name: casing.getColumnCasing(column),
  }),
);
const RECORD_COLUMNS = COLUMNS.filter(({ key }) => key !== 'id');
/** The record `jsonb_to_recordset` builds: `name type, …`. */
const RECORD_TYPE = sql.raw(
  RECORD_COLUMNS.map(({ name, column }) => `${name} ${column.getSQLType()}`).join(', '),
);
/** The select list in the table's column order, as drizzle's INSERT … SELECT requires. */
const SELECT_LIST = sql.raw(
  COLUMNS.map(({ key, name }) => (key === 'id' ? 'gen_random_uuid()' : `r.${name}`)).join(', '),
);
/** What an existing row takes from the incoming one: everything but its identity. */
const UPDATED = RECORD_COLUMNS.filter(
  ({ key }) => key !== 'tenantId' && key !== 'calendarId' && key !== 'externalId',
);

const excluded = (name: string) => sql.raw(`excluded.${name}`);
const nameOf = (column: PgColumn) => casing.getColumnCasing(column);
const changed = (column: PgColumn): SQL => sql`${column} is distinct from ${excluded(nameOf(column))}`;

export async function upsertMirrorRows(db: Executor, rows: MirrorRow[]): Promise<void> {
  if (rows.length === 0) return;
  // JSON writes Dates as ISO instants, which timestamptz reads back exactly; arrays become text[].
  const records = JSON.stringify(
    rows.map((row) =>
      Object.fromEntries(RECORD_COLUMNS.map(({ key, name }) => [name, row[key as keyof MirrorRow]])),
    ),
  );
  await db
    .insert(externalEvents)
    .select(sql`select ${SELECT_LIST} from jsonb_to_recordset(${records}::jsonb) as r(${RECORD_TYPE})`)
    .onConflictDoUpdate({
      target: [externalEvents.calendarId, externalEvents.externalId],
      set: Object.fromEntries(UPDATED.map(({ key, name }) => [key, excluded(name)])),
      setWhere: or(
        changed(externalEvents.etag),
        changed(externalEvents.status),
        changed(externalEvents.startAt),
        changed(externalEvents.endAt),
        changed(externalEvents.fullSyncGeneration),
      ),
    });
}
