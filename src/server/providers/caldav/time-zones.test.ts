import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { ianaZoneFor, offsetAt, wallToUtc } from './time-zones';
import { buildVtimezone } from './vtimezone';

const wall = (year: number, month: number, day: number, hour: number, minute = 0) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
});

describe('wall time ↔ instant', () => {
  it('converts around the end of summer time: the repeated hour is its first occurrence', () => {
    expect(new Date(wallToUtc(wall(2030, 10, 27, 0, 30), 'Europe/London')).toISOString()).toBe(
      '2030-10-26T23:30:00.000Z',
    );
    expect(new Date(wallToUtc(wall(2030, 10, 27, 1, 30), 'Europe/London')).toISOString()).toBe(
      '2030-10-27T00:30:00.000Z',
    );
    expect(new Date(wallToUtc(wall(2030, 10, 27, 2, 0), 'Europe/London')).toISOString()).toBe(
      '2030-10-27T02:00:00.000Z',
    );
  });

  it('reads a time in the spring gap with the offset from before the gap', () => {
    // 02:30 does not exist in Berlin on 31 March 2030; with +01:00 it is 01:30Z (03:30 summer time).
    expect(new Date(wallToUtc(wall(2030, 3, 31, 2, 30), 'Europe/Berlin')).toISOString()).toBe(
      '2030-03-31T01:30:00.000Z',
    );
  });

  it('handles half-hour zones and the southern hemisphere', () => {
    expect(new Date(wallToUtc(wall(2030, 1, 1, 12), 'Australia/Lord_Howe')).toISOString()).toBe(
      '2030-01-01T01:00:00.000Z',
    );
    expect(new Date(wallToUtc(wall(2030, 7, 1, 12), 'Australia/Lord_Howe')).toISOString()).toBe(
      '2030-07-01T01:30:00.000Z',
    );
  });

  it('maps TZIDs to IANA names', () => {
    expect(ianaZoneFor('Europe/London')).toBe('Europe/London');
    expect(ianaZoneFor('/freeassociation.sourceforge.net/Tzfile/America/New_York')).toBe('America/New_York');
    expect(ianaZoneFor('Z')).toBe('UTC');
    expect(ianaZoneFor('W. Europe Standard Time')).toBeNull();
  });
});

describe('VTIMEZONE', () => {
  it.each(['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'])(
    'gives ical.js the same offsets as Intl for %s, years after the event too',
    (zone) => {
      const timezone = new ICAL.Timezone(buildVtimezone(zone, 2030));
      for (const iso of [
        '2029-01-15T12:00:00Z',
        '2030-03-31T12:00:00Z',
        '2030-07-01T12:00:00Z',
        '2030-10-28T12:00:00Z',
        '2034-07-01T12:00:00Z',
        '2036-12-01T12:00:00Z',
      ]) {
        const utc = ICAL.Time.fromJSDate(new Date(iso), true);
        expect(timezone.utcOffset(utc) * 1000, `${zone} at ${iso}`).toBe(offsetAt(Date.parse(iso), zone));
      }
    },
  );

  it('uses a yearly rule for the last year of a zone with summer time', () => {
    const text = buildVtimezone('Europe/London', 2030).toString();
    expect(text).toContain('RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
    expect(text).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
  });
});
