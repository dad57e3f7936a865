import { describe, expect, it } from 'vitest';
import { fromGraphRecurrence, toGraphRecurrence, UnsupportedRecurrenceError } from './recurrence-mapping';

describe('RRULE ↔ Graph patternedRecurrence', () => {
  it.each([
    [
      'RRULE:FREQ=DAILY;COUNT=5',
      { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', numberOfOccurrences: 5 } },
    ],
    [
      'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;INTERVAL=2',
      {
        pattern: { type: 'weekly', interval: 2, daysOfWeek: ['monday', 'wednesday'] },
        range: { type: 'noEnd' },
      },
    ],
    [
      'RRULE:FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20311231',
      {
        pattern: { type: 'absoluteMonthly', dayOfMonth: 15 },
        range: { type: 'endDate', endDate: '2031-12-31' },
      },
    ],
    [
      'RRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1',
      { pattern: { type: 'relativeMonthly', daysOfWeek: ['tuesday'], index: 'last' } },
    ],
    [
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1',
      { pattern: { type: 'absoluteYearly', month: 3, dayOfMonth: 1 } },
    ],
  ])('%s', (rule, expected) => {
    const graph = toGraphRecurrence([rule], '2031-01-06', 'Europe/London');
    expect(graph).toMatchObject(expected);
    expect(graph.range.startDate).toBe('2031-01-06');
    // Back again: the same rule, modulo part order.
    const back = fromGraphRecurrence(graph)[0]?.slice(6).split(';').sort();
    expect(back).toEqual(rule.slice(6).split(';').sort());
  });

  it('turns a UTC UNTIL into the date in the series zone', () => {
    const graph = toGraphRecurrence(['RRULE:FREQ=DAILY;UNTIL=20310106T233000Z'], '2031-01-01', 'Asia/Tokyo');
    expect(graph.range).toMatchObject({ type: 'endDate', endDate: '2031-01-07' });
  });

  // A series ended just before an occurrence ("this and following" from 13 January, 10:00 London):
  // UNTIL falls on that day, but Graph's end date would keep the 10:00 occurrence.
  it('ends on the day before when UNTIL is earlier in the day than the series starts', () => {
    const rule = ['RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270113T095959Z'];
    expect(toGraphRecurrence(rule, '2026-12-23', 'Europe/London', '10:00:00').range).toMatchObject({
      type: 'endDate',
      endDate: '2027-01-12',
    });
    expect(toGraphRecurrence(rule, '2026-12-23', 'Europe/London', '09:00:00').range.endDate).toBe(
      '2027-01-13',
    );
  });

  it('refuses what Graph cannot express', () => {
    expect(() => toGraphRecurrence(['RRULE:FREQ=HOURLY'], '2031-01-01', 'UTC')).toThrow(
      UnsupportedRecurrenceError,
    );
  });
});
