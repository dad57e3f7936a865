import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * Runs a query as a prepared statement that the connection keeps: a hot read's way of costing one
 * round trip instead of two.
 *
 * drizzle hands postgres.js every query as unprepared unless it is given a name, and postgres.js
 * sends an unprepared query that has parameters as Parse + Describe, waits for the parameter types,
 * and only then sends Bind + Execute: two round trips, and the statement parsed and analysed again
 * each time. Named, postgres.js keeps the statement per connection under its text and parameter
 * types and sends only Bind + Execute from the second time on (drizzle's name itself is not used;
 * PGlite ignores it). Only for statements whose text does not grow with their inputs (arrays as one
 * parameter, never an `in` list of ids): each distinct text is kept on every connection.
 */
export function asPrepared<Result>(
  query: { prepare(name: string): { execute(): Promise<Result> } },
  name: string,
): Promise<Result> {
  return query.prepare(name).execute();
}

/**
 * `column = ANY('{…}'::type[])`: the values as one array literal parameter of the column's own type
 * (uuid for most ids, text for users' ids), so the statement's text is the same however many there
 * are and a prepared one is reused. Each element is quoted, so any string stands for itself.
 */
export function anyOfIds(column: PgColumn, ids: readonly string[]): SQL {
  return sql`${column} = any(${arrayLiteral(ids)}::${sql.raw(`${column.getSQLType()}[]`)})`;
}

/** A PostgreSQL array literal of these strings, each double-quoted with `"` and `\` escaped. */
export function arrayLiteral(values: readonly string[]): string {
  let literal = '{';
  for (const [index, value] of values.entries()) {
    if (index > 0) literal += ',';
    literal += SAFE.test(value) ? `"${value}"` : `"${value.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${literal}}`;
}

/** Nothing to escape: most values are UUIDs. */
const SAFE = /^[\w-]*$/;
