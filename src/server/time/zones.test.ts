import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMeetings } from '@/server/meetings/queries';
import { createMeeting } from '@/server/meetings/schedule';
import { scheduleDeps } from '@/tests/support/activity';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { addLocalDays, isValidTimeZone, localDate, wallTimeToInstant } from './zones';

const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');
const HOUR_MS = 3_600_000;

/** The instants a local calendar day covers in `zone`: 23 or 25 hours on DST days. */
function localDay(date: string, zone: string) {
  const from = wallTimeToInstant(date, '00:00', zone);
  return { from, to: addLocalDays(from, 1, zone) };
}

// The process zone must not matter: the same expectations run with the process in each of these
// (Node applies a change of process.env.TZ at once). CI also runs the file under several TZ values.
const PROCESS_ZONES = [
  { zone: 'Europe/London', januaryOffset: 0 },
  { zone: 'America/New_York', januaryOffset: 300 },
  { zone: 'Australia/Lord_Howe', januaryOffset: -660 },
];

let database: TestDatabase;
let newYork: TestTenant;
const originalTz = process.env.TZ;

beforeAll(async () => {
  database = await useTestDatabase();
  newYork = await createTestTenant(database.db, 'new-york', 'America/New_York');
  const meeting = async (title: string, startsAt: string) =>
    createMeeting(scheduleDeps(database.db), newYork.tutor, {
      kind: 'meeting',
      title,
      description: null,
      location: null,
      onlineUrl: null,
      startsAt: new Date(startsAt),
      endsAt: new Date(new Date(startsAt).getTime() + HOUR_MS / 2),
      timeZone: 'America/New_York',
      attendeeUserIds: [newYork.learner.userId],
      guests: [],
    });
  await meeting('Sat 23:30 EST, the evening before spring-forward', '2026-03-08T04:30:00Z');
  await meeting('Sun 10:00 EDT', '2026-03-08T14:00:00Z');
  await meeting('Sun 23:30 EDT', '2026-03-09T03:30:00Z');
  await meeting('Mon 00:30 EDT', '2026-03-09T04:30:00Z');
  await meeting('Sun 23:30 EST, the evening of fall-back', '2026-11-02T04:30:00Z');
});

afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe.each(PROCESS_ZONES)('with the process in $zone', ({ zone, januaryOffset }) => {
  beforeAll(() => {
    process.env.TZ = zone;
  });

  it('really runs in that zone', () => {
    expect(new Date('2026-01-15T12:00:00Z').getTimezoneOffset()).toBe(januaryOffset);
  });

  it('Europe/London: a wall time in the spring-forward gap moves forward; a repeated one is the earlier', () => {
    expect(iso(wallTimeToInstant('2026-03-29', '00:30', 'Europe/London'))).toBe('2026-03-29T00:30:00Z');
    expect(iso(wallTimeToInstant('2026-03-29', '01:30', 'Europe/London'))).toBe('2026-03-29T01:30:00Z');
    expect(iso(wallTimeToInstant('2026-03-29', '03:00', 'Europe/London'))).toBe('2026-03-29T02:00:00Z');
    expect(iso(wallTimeToInstant('2026-10-25', '01:30', 'Europe/London'))).toBe('2026-10-25T00:30:00Z');
    expect(iso(wallTimeToInstant('2026-10-25', '02:30', 'Europe/London'))).toBe('2026-10-25T02:30:00Z');
  });

  it('America/New_York: the same rules on its own dates', () => {
    expect(iso(wallTimeToInstant('2026-03-08', '02:30', 'America/New_York'))).toBe('2026-03-08T07:30:00Z');
    expect(iso(wallTimeToInstant('2026-03-08', '09:00', 'America/New_York'))).toBe('2026-03-08T13:00:00Z');
    expect(iso(wallTimeToInstant('2026-11-01', '01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00Z');
    expect(iso(wallTimeToInstant('2026-11-01', '09:00', 'America/New_York'))).toBe('2026-11-01T14:00:00Z');
  });

  it('Australia/Lord_Howe: a 30-minute shift, southern-hemisphere dates', () => {
    // Standard time is UTC+10:30, summer time UTC+11.
    expect(iso(wallTimeToInstant('2026-04-05', '01:45', 'Australia/Lord_Howe'))).toBe('2026-04-04T14:45:00Z');
    expect(iso(wallTimeToInstant('2026-04-05', '09:00', 'Australia/Lord_Howe'))).toBe('2026-04-04T22:30:00Z');
    expect(iso(wallTimeToInstant('2026-10-04', '02:15', 'Australia/Lord_Howe'))).toBe('2026-10-03T15:45:00Z');
    expect(iso(wallTimeToInstant('2026-10-04', '09:00', 'Australia/Lord_Howe'))).toBe('2026-10-03T22:00:00Z');
  });

  it('refuses wall times and zones that do not exist', () => {
    expect(() => wallTimeToInstant('2026-02-30', '09:00', 'Europe/London')).toThrow(RangeError);
    expect(() => wallTimeToInstant('2026-03-01', '25:00', 'Europe/London')).toThrow(RangeError);
    expect(() => wallTimeToInstant('2026-03-01', '09:00', 'Mars/Olympus')).toThrow(RangeError);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('Australia/Lord_Howe')).toBe(true);
  });

  it('addLocalDays keeps 09:00 local across each DST change', () => {
    const cases = [
      ['2026-03-28T09:00:00Z', 1, 'Europe/London', '2026-03-29T08:00:00Z'],
      ['2026-03-30T08:00:00Z', -2, 'Europe/London', '2026-03-28T09:00:00Z'],
      ['2026-10-24T08:00:00Z', 1, 'Europe/London', '2026-10-25T09:00:00Z'],
      ['2026-03-07T14:00:00Z', 1, 'America/New_York', '2026-03-08T13:00:00Z'],
      ['2026-10-31T13:00:00Z', 7, 'America/New_York', '2026-11-07T14:00:00Z'],
      ['2026-10-02T22:30:00Z', 1, 'Australia/Lord_Howe', '2026-10-03T22:00:00Z'],
      ['2026-04-03T22:00:00Z', 2, 'Australia/Lord_Howe', '2026-04-05T22:30:00Z'],
    ] as const;
    for (const [from, days, tz, expected] of cases) {
      expect(`${from} ${days} ${tz} → ${iso(addLocalDays(new Date(from), days, tz))}`).toBe(
        `${from} ${days} ${tz} → ${expected}`,
      );
    }
  });

  it('localDate names the day an instant falls on where the person is', () => {
    const instant = new Date('2026-03-08T04:30:00Z');
    expect(localDate(instant, 'America/New_York')).toBe('2026-03-07');
    expect(localDate(instant, 'Europe/London')).toBe('2026-03-08');
    expect(localDate(new Date('2026-03-07T13:30:00Z'), 'Australia/Lord_Howe')).toBe('2026-03-08');
  });

  it('a learner in New York sees the meetings of a 23-hour local day, and only those', async () => {
    const day = localDay('2026-03-08', 'America/New_York');
    expect([iso(day.from), iso(day.to)]).toEqual(['2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z']);
    const seen = await listMeetings(database.db, newYork.learner, day);
    expect(seen.map((m) => [m.title, iso(m.startsAt)])).toEqual([
      ['Sun 10:00 EDT', '2026-03-08T14:00:00Z'],
      ['Sun 23:30 EDT', '2026-03-09T03:30:00Z'],
    ]);
    expect(seen.map((m) => localDate(m.startsAt, newYork.learner.timeZone))).toEqual([
      '2026-03-08',
      '2026-03-08',
    ]);
  });

  it('and the whole of a 25-hour local day', async () => {
    const day = localDay('2026-11-01', 'America/New_York');
    expect(day.to.getTime() - day.from.getTime()).toBe(25 * HOUR_MS);
    const seen = await listMeetings(database.db, newYork.learner, day);
    expect(seen.map((m) => iso(m.startsAt))).toEqual(['2026-11-02T04:30:00Z']);
  });
});
