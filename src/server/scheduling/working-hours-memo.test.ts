import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeWorkingSpans, workingSpans } from './working-hours';

/*
 * workingSpans remembers its answers. Asked in any order, again and again, for any hours, zone
 * and range, it must give what working them out afresh gives, and a caller changing what it got
 * must not change what the next caller gets.
 */

const ZONES = ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'];
const DAY = 86_400_000;
const clock = fc.integer({ min: 0, max: 47 }).map((half) => {
  const minutes = half * 30;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
});
const ask = fc
  .record({
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 7 }),
    start: clock,
    end: clock,
    zone: fc.constantFrom(...ZONES),
    // Around both 2026 DST changes, in hours.
    from: fc
      .constantFrom(Date.UTC(2026, 2, 27), Date.UTC(2026, 9, 23))
      .chain((base) => fc.integer({ min: -48, max: 48 }).map((hours) => base + hours * 3_600_000)),
    lengthDays: fc.integer({ min: 1, max: 14 }),
  })
  .filter((a) => a.start < a.end);

describe('workingSpans, remembered', () => {
  it('gives what working them out afresh gives, whatever was asked before and whatever callers did with it', () => {
    fc.assert(
      fc.property(fc.array(ask, { minLength: 1, maxLength: 8 }), (asks) => {
        for (const a of [...asks, ...asks]) {
          const hours = { days: a.days, start: a.start, end: a.end };
          const to = a.from + a.lengthDays * DAY;
          const got = workingSpans(hours, a.zone, a.from, to);
          expect(got).toEqual(computeWorkingSpans(hours, a.zone, a.from, to));
          // A caller spoiling its copy: the next ask must not see it.
          got.push({ start: 0, end: 1 });
          if (got[0]) got[0].start = -1;
        }
      }),
      { numRuns: 100 },
    );
  });
});
