import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { readMirrorOccurrences } from '@/server/calendar/mirror-occurrences';
import { externalEvents } from '@/server/db/schema';
import { seedConnection, type SeededConnection } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { busyMirrorScope, readMirrorBlocks } from './mirror-blocks';

/*
 * readBusyRows turns instants into epoch milliseconds in SQL (float8 date_part, not numeric
 * extract). Whatever the stored precision (microseconds, as a provider or a hand-written row may
 * leave) and however far from 1970, each block must start and end on the very millisecond the
 * full-row reader's Date gives (the stored instant rounded down to the millisecond).
 */

const FROM = new Date('1960-01-01T00:00:00Z');
const TO = new Date('1960-01-31T00:00:00Z');
const INSTANTS = [
  // Before 1970 (a negative epoch), on and off whole milliseconds.
  '1960-01-10 09:00:00+00',
  '1960-01-10 09:00:00.000999+00',
  '1960-01-11 09:00:00.123456+00',
  '1960-01-12 23:59:59.999999+00',
];

let database: TestDatabase;
let tenant: TestTenant;
let learner: SeededConnection;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'mirror-blocks-instants');
  learner = await seedConnection(database.db, tenant.learner, 'instants-learner');
  for (const [i, instant] of INSTANTS.entries()) {
    await database.db.insert(externalEvents).values({
      tenantId: tenant.tenantId,
      calendarId: learner.writableCalendarId,
      externalId: `instant-${i}`,
      status: 'confirmed',
      title: `Instant ${i}`,
      startAt: new Date('1960-01-01T00:00:00Z'),
      endAt: new Date('1960-01-01T01:00:00Z'),
    });
    // Written in SQL: a JavaScript Date could not carry the microseconds.
    await database.db.execute(
      sql`update external_events set start_at = ${instant}::timestamptz, end_at = ${instant}::timestamptz + interval '45 minutes 0.000501 seconds' where external_id = ${`instant-${i}`} and tenant_id = ${tenant.tenantId}`,
    );
  }
});

describe('readMirrorBlocks instants', () => {
  it('start and end on the millisecond the full rows give, before 1970 and off whole milliseconds', async () => {
    const zones = new Map([[tenant.learner.userId, 'Europe/London']]);
    const blocks = await readMirrorBlocks(database.db, tenant.tenantId, zones, FROM, TO);
    const full = await readMirrorOccurrences(
      database.db,
      busyMirrorScope(tenant.tenantId, [tenant.learner.userId]),
      FROM,
      TO,
    );
    const expected = full
      .filter((o) => o.row.externalId.startsWith('instant-'))
      .map((o) => [o.start.getTime(), o.end.getTime()])
      .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    expect(expected).toHaveLength(INSTANTS.length);
    const actual = blocks.map((b) => [b.start, b.end]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    expect(actual).toEqual(expected);
    // Rounded down, as Date keeps it: .123456 is .123, and .999999 stays in the same second.
    expect(actual[2]?.[0]).toBe(Date.parse('1960-01-11T09:00:00.123Z'));
    expect(actual[3]?.[0]).toBe(Date.parse('1960-01-12T23:59:59.999Z'));
  });
});
