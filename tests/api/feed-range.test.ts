import { beforeAll, describe, expect, it } from 'vitest';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';

/** The calendar feed reads at most 100 days at a time: a wider range is one bounded query too many. */

const DAY_MS = 86_400_000;
const from = new Date('2026-03-02T00:00:00Z');
let database: TestDatabase;
let tenant: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'feed-range');
});

const feed = (to: Date) =>
  callProcedure(database.db, sessionOf(tenant.learner), 'calendar.feed', { from, to });

describe('calendar.feed range', () => {
  it('answers a range of exactly 100 days', async () => {
    expect(describeOutcome(await feed(new Date(from.getTime() + 100 * DAY_MS)))).toBe('ok');
  });

  it('refuses a second more than 100 days, and an end before the start, saying why', async () => {
    expect(describeOutcome(await feed(new Date(from.getTime() + 100 * DAY_MS + 1000)))).toMatch(
      /^BAD_REQUEST: .*The range may not exceed 100 days/s,
    );
    expect(describeOutcome(await feed(new Date(from.getTime() - 1000)))).toMatch(
      /^BAD_REQUEST: .*The end must be after the start/s,
    );
  });
});
