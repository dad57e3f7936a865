import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { anyOfIds, arrayLiteral, asPrepared } from './prepared';
import { users } from './schema';

/*
 * anyOfIds sends a list as one array literal: every string must come back exactly as itself
 * (users' ids are text, and availability's ids come from the caller), and a prepared read must
 * give the same rows each time it is reused.
 */

let database: TestDatabase;
let tenant: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'prepared-arrays');
});

const AWKWARD = ['plain', 'a,b', 'with "quotes"', 'back\\slash', '{braces}', 'NULL', '', ' spaced '];

describe('arrayLiteral', () => {
  it('round-trips any string, commas, quotes, backslashes, braces and NULL included', async () => {
    const result = await database.db.execute<{ v: string[] }>(
      sql`select ${arrayLiteral(AWKWARD)}::text[] as v`,
    );
    const rows = Array.isArray(result) ? result : (result as unknown as { rows: { v: string[] }[] }).rows;
    expect(rows[0]?.v).toEqual(AWKWARD);
  });
});

describe('anyOfIds as a prepared read', () => {
  it('finds exactly the ids asked, however many times the statement is reused', async () => {
    const asked = [tenant.tutor.userId, 'a,b', `${tenant.learner.userId}","x`];
    for (let i = 0; i < 7; i += 1) {
      const rows = await asPrepared(
        database.db.select({ id: users.id }).from(users).where(anyOfIds(users.id, asked)),
        'prepared_test_users',
      );
      expect(rows.map((row) => row.id)).toEqual([tenant.tutor.userId]);
    }
  });
});
