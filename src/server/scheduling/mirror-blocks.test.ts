import { beforeAll, describe, expect, it } from 'vitest';
import { readMirrorOccurrences } from '@/server/calendar/mirror-occurrences';
import { externalEvents, type MirrorAttendee } from '@/server/db/schema';
import { wallTimeToInstant } from '@/server/time/zones';
import { seedConnection, type SeededConnection } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { busyMirrorScope, readMirrorBlocks, type MirrorBlock } from './mirror-blocks';

/*
 * readMirrorBlocks reads only the columns availability needs, as compact arrays. Over a mixed
 * mirror (one-off, multi-day, all-day, series with exceptions and cancelled instances, every
 * status, show-as and transparency, declined invitations) it must give exactly the blocks the
 * full-row reader (readMirrorOccurrences, shared with the Calendar page) gives.
 */

const DAY = 86_400_000;
const FROM = new Date('2026-03-02T00:00:00Z');
const TO = new Date('2026-03-16T00:00:00Z');
const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
const RULES = [
  'RRULE:FREQ=WEEKLY;BYDAY=MO,WE',
  'RRULE:FREQ=DAILY;INTERVAL=2',
  'RRULE:FREQ=WEEKLY;COUNT=4',
  'RRULE:FREQ=WEEKLY;UNTIL=20260310T000000Z',
  'RRULE:FREQ=MONTHLY;BYMONTHDAY=5',
];

let database: TestDatabase;
let tenant: TestTenant;
let learner: SeededConnection;
let tutor: SeededConnection;
let zones: Map<string, string>;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'mirror-blocks');
  learner = await seedConnection(database.db, tenant.learner, 'blocks-learner');
  tutor = await seedConnection(database.db, tenant.tutor, 'blocks-tutor');
  zones = new Map([
    [tenant.tutor.userId, 'Europe/London'],
    [tenant.learner.userId, 'America/New_York'],
  ]);
  const calendars = [
    { id: learner.writableCalendarId, email: 'blocks-learner@dav.example.test' },
    { id: learner.readOnlyCalendarId, email: 'blocks-learner@dav.example.test' },
    { id: tutor.writableCalendarId, email: 'blocks-tutor@dav.example.test' },
  ];
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const rows: (typeof externalEvents.$inferInsert)[] = [];
  for (let i = 0; i < 400; i += 1) {
    const calendar = calendars[i % calendars.length] ?? calendars[0];
    if (!calendar) throw new Error('no calendar');
    const start = new Date(
      Date.UTC(2026, 2, 2 + Math.floor(random() * 40) - 20, Math.floor(random() * 24), pick([0, 15, 30, 45])),
    );
    const kind = pick(['short', 'short', 'long', 'allDay', 'allDays', 'series', 'allDaySeries'] as const);
    const allDay = kind === 'allDay' || kind === 'allDays' || kind === 'allDaySeries';
    const date = start.toISOString().slice(0, 10);
    const days = kind === 'allDays' ? 2 + Math.floor(random() * 5) : 1;
    const midnight = new Date(`${date}T00:00:00Z`);
    const length = kind === 'long' ? (1 + random() * 6) * DAY : (1 + Math.floor(random() * 8)) * 15 * 60_000;
    const attendees: MirrorAttendee[] = pick([
      [],
      [{ email: calendar.email.toUpperCase(), name: null, response: 'declined' }],
      [
        { email: 'someone@else.test', name: null, response: 'declined' },
        { email: calendar.email, name: 'Me', response: 'accepted' },
      ],
    ]);
    rows.push({
      tenantId: tenant.tenantId,
      calendarId: calendar.id,
      externalId: `event-${i}`,
      icalUid: random() < 0.3 ? `uid-${i}@example.test` : null,
      tandemMeetingId: random() < 0.1 ? crypto.randomUUID() : null,
      status: pick(['confirmed', 'confirmed', 'tentative', 'cancelled'] as const),
      title: random() < 0.2 ? null : `Event ${i}`,
      startAt: allDay ? midnight : start,
      endAt: allDay ? new Date(midnight.getTime() + days * DAY) : new Date(start.getTime() + length),
      allDay,
      startDate: allDay ? date : null,
      endDate: allDay ? new Date(midnight.getTime() + days * DAY).toISOString().slice(0, 10) : null,
      timeZone: pick(ZONES),
      recurrence: kind === 'series' || kind === 'allDaySeries' ? [pick(RULES)] : null,
      showAs: pick(['busy', 'busy', 'tentative', 'oof', 'working_elsewhere', 'free', 'unknown'] as const),
      transparency: random() < 0.15 ? 'transparent' : 'opaque',
      attendees,
    });
  }
  // Exceptions: moved or cancelled instances of some series, at their original occurrence starts.
  const series = rows.filter((row) => row.recurrence && !row.allDay);
  for (const [i, master] of series.entries()) {
    if (i % 3 !== 0) continue;
    const originalStart = new Date(master.startAt.getTime() + 7 * DAY);
    rows.push({
      tenantId: tenant.tenantId,
      calendarId: master.calendarId,
      externalId: `${master.externalId}-exception`,
      seriesExternalId: master.externalId,
      originalStartAt: originalStart,
      status: i % 2 === 0 ? 'cancelled' : 'confirmed',
      title: `Moved ${master.externalId}`,
      startAt: new Date(originalStart.getTime() + 3 * 3_600_000),
      endAt: new Date(master.endAt.getTime() + 7 * DAY + 3 * 3_600_000),
      timeZone: master.timeZone,
    });
  }
  await database.db.insert(externalEvents).values(rows);
});

/** The blocks as worked out from the full rows (how readMirrorBlocks did it before it was narrowed). */
async function fromFullRows(titlesFor: string | undefined): Promise<MirrorBlock[]> {
  const occurrences = await readMirrorOccurrences(
    database.db,
    busyMirrorScope(tenant.tenantId, [...zones.keys()]),
    FROM,
    TO,
  );
  const blocks: MirrorBlock[] = [];
  for (const { row, start, end, startDate, endDate } of occurrences) {
    const self = row.accountEmail.toLowerCase();
    if (row.attendees.some((a) => a.email.toLowerCase() === self && a.response === 'declined')) continue;
    const zone = zones.get(row.userId) ?? 'UTC';
    const [blockStart, blockEnd] =
      row.allDay && startDate && endDate
        ? [midnight(startDate, zone), midnight(endDate, zone)]
        : [start.getTime(), end.getTime()];
    if (blockEnd <= FROM.getTime() || blockStart >= TO.getTime()) continue;
    const state =
      row.showAs === 'oof'
        ? 'out_of_office'
        : row.showAs === 'working_elsewhere'
          ? 'working_elsewhere'
          : row.showAs === 'tentative' || row.status === 'tentative'
            ? 'tentative'
            : 'busy';
    blocks.push({
      userId: row.userId,
      start: blockStart,
      end: blockEnd,
      state,
      ...(row.title === null || row.userId !== titlesFor ? {} : { title: row.title }),
      tandemMeetingId: row.tandemMeetingId,
      icalUid: row.icalUid,
    });
  }
  return blocks;
}

function midnight(date: string, zone: string): number {
  return wallTimeToInstant(date, '00:00:00', zone).getTime();
}

function sorted(blocks: MirrorBlock[]): string[] {
  return blocks.map((block) => JSON.stringify(block)).sort();
}

describe('readMirrorBlocks (the narrowed reader)', () => {
  it('gives the blocks the full-row reader gives, the viewer keeping their own titles', async () => {
    const expected = await fromFullRows(tenant.tutor.userId);
    const actual = await readMirrorBlocks(database.db, tenant.tenantId, zones, FROM, TO, {
      titlesFor: tenant.tutor.userId,
    });
    // The fixture is mixed enough to matter: titled and untitled blocks, expanded series, every state.
    expect(expected.length).toBeGreaterThan(100);
    expect(new Set(expected.map((block) => block.state)).size).toBe(4);
    expect(expected.some((block) => block.title)).toBe(true);
    expect(sorted(actual)).toEqual(sorted(expected));
  });

  it('reads no titles at all without a viewer to keep them for', async () => {
    const actual = await readMirrorBlocks(database.db, tenant.tenantId, zones, FROM, TO);
    expect(actual.some((block) => 'title' in block)).toBe(false);
    expect(sorted(actual)).toEqual(sorted(await fromFullRows(undefined)));
  });

  it('leaves out invitations the owner declined, whatever the case of the address', async () => {
    const actual = await readMirrorBlocks(database.db, tenant.tenantId, zones, FROM, TO);
    const full = await readMirrorOccurrences(
      database.db,
      busyMirrorScope(tenant.tenantId, [...zones.keys()]),
      FROM,
      TO,
    );
    const declinedIds = new Set(
      full
        .filter((o) =>
          o.row.attendees.some((a) => a.response === 'declined' && a.email !== 'someone@else.test'),
        )
        .map((o) => o.row.icalUid)
        .filter((uid) => uid !== null),
    );
    expect(declinedIds.size).toBeGreaterThan(0);
    expect(actual.some((block) => block.icalUid !== null && declinedIds.has(block.icalUid))).toBe(false);
  });
});
