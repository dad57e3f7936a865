import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { offsetForWallClock, wallClockMs, zoneOffsetMinutes } from './zone-offsets';

/*
 * The cached offsets must give luxon's answers exactly, around the clocks changing too (London
 * went to summer time at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October 2026;
 * Lord Howe Island moves by half an hour; Kathmandu is 5:45 ahead).
 */
const ZONES = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];

describe('zone offsets', () => {
  it('agrees with luxon every 29 minutes (and some seconds) across a year of transitions', () => {
    const wrong: string[] = [];
    for (const zone of ZONES) {
      const start = Date.UTC(2026, 0, 1);
      for (let ms = start; ms < start + 366 * 86_400_000; ms += 29 * 60_000 + 13_000) {
        if (zoneOffsetMinutes(zone, ms) !== DateTime.fromMillis(ms, { zone }).offset)
          wrong.push(`${zone} ${new Date(ms).toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives the wall time as a UTC-coerced timestamp', () => {
    const instant = Date.UTC(2026, 6, 1, 9, 30);
    expect(new Date(wallClockMs('Europe/London', instant)).toISOString()).toBe('2026-07-01T10:30:00.000Z');
  });

  it('resolves wall times as luxon does, in the spring gap and the repeated autumn hour too', () => {
    const walls = [
      [2026, 3, 29, 0, 30],
      [2026, 3, 29, 1, 30], // does not exist in London
      [2026, 3, 29, 2, 30],
      [2026, 10, 25, 0, 30],
      [2026, 10, 25, 1, 30], // happens twice in London
      [2026, 10, 25, 2, 30],
      [2026, 7, 1, 12, 0],
    ] as const;
    for (const zone of ZONES) {
      for (const [year, month, day, hour, minute] of walls) {
        const luxon = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
        expect(
          offsetForWallClock(zone, Date.UTC(year, month - 1, day, hour, minute)),
          `${zone} ${luxon}`,
        ).toBe(luxon.offset);
      }
    }
  });
});
