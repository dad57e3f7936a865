/**
 * The yardstick for the mirror's write path: the same rows inserted into the same table with
 * nothing around them — no upsert, no change check, no sweep, no ORM. Two ways, and the faster one
 * counts: a multi-row `INSERT … VALUES` with bind parameters, 1,000 rows a statement (the textbook
 * batched insert), and one `INSERT … SELECT FROM jsonb_to_recordset` per page (the trick the
 * mirror itself uses, so its own statement is not mistaken for the bare cost).
 */
import { getTableColumns } from 'drizzle-orm';
import { CasingCache } from 'drizzle-orm/casing';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { DatabaseHandle } from '../src/server/db/client';
import { externalEvents } from '../src/server/db/schema';
import type { MirrorRow } from '../src/server/sync/mirror-upsert';

type RawQuery = (text: string, params: (string | null)[]) => Promise<unknown>;

const casing = new CasingCache('snake_case');
const COLUMNS = (Object.entries(getTableColumns(externalEvents)) as [keyof MirrorRow | 'id', PgColumn][])
  .filter((entry): entry is [keyof MirrorRow, PgColumn] => entry[0] !== 'id')
  .map(([key, column]) => ({ key, name: casing.getColumnCasing(column), type: column.getSQLType() }));
const COLUMN_LIST = COLUMNS.map(({ name }) => name).join(', ');
const VALUES_ROWS = 1_000;

export type BareInsert = (rows: MirrorRow[]) => Promise<void>;

/** Both bare inserts, through the driver underneath drizzle (no query builder on the way). */
export function bareInserts(handle: DatabaseHandle): { values: BareInsert; recordset: BareInsert } {
  const query = rawQuery(handle);
  return {
    async values(rows) {
      for (let index = 0; index < rows.length; index += VALUES_ROWS) {
        const batch = rows.slice(index, index + VALUES_ROWS);
        const params: (string | null)[] = [];
        const tuples = batch.map((row) => {
          const placeholders = COLUMNS.map(({ key, type }) => {
            params.push(asText(row[key], type));
            return `$${params.length}::${type}`;
          });
          return `(${placeholders.join(', ')})`;
        });
        await query(`insert into external_events (${COLUMN_LIST}) values ${tuples.join(', ')}`, params);
      }
    },
    async recordset(rows) {
      if (rows.length === 0) return;
      const records = JSON.stringify(
        rows.map((row) => Object.fromEntries(COLUMNS.map(({ key, name }) => [name, row[key]]))),
      );
      const recordType = COLUMNS.map(({ name, type }) => `${name} ${type}`).join(', ');
      await query(
        `insert into external_events (${COLUMN_LIST}) select ${COLUMN_LIST} from jsonb_to_recordset($1::jsonb) as r(${recordType})`,
        [records],
      );
    },
  };
}

function rawQuery(handle: DatabaseHandle): RawQuery {
  const client = (handle.db as unknown as { $client: unknown }).$client;
  if (handle.kind === 'pglite') {
    const pglite = client as { query(text: string, params: unknown[]): Promise<unknown> };
    return (text, params) => pglite.query(text, params);
  }
  const postgres = client as { unsafe(text: string, params: unknown[]): Promise<unknown> };
  return (text, params) => postgres.unsafe(text, params);
}

/** Every value as the text PostgreSQL reads for its column's type (the placeholder casts it). */
function asText(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (type.endsWith('[]') && Array.isArray(value)) {
    return `{${value.map((item) => `"${String(item).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
  }
  if (type === 'jsonb' || type === 'json') return JSON.stringify(value);
  return String(value);
}
