import { describe, expect, it } from 'vitest';
import { recurrenceInputSchema, toRecurrenceLines } from './rule-input';

const lines = (input: unknown, startsAt: string, zone = 'Europe/London') =>
  toRecurrenceLines(recurrenceInputSchema.parse(input), new Date(startsAt), zone);

describe('a repeat rule as a person gives it, as an RRULE', () => {
  it('weekly on the weekday of the first occurrence in the meeting’s own zone', () => {
    // Tuesday 23:30 UTC is Wednesday 00:30 in Berlin.
    expect(lines({ frequency: 'weekly' }, '2026-03-03T23:30:00Z', 'Europe/Berlin')).toEqual({
      lines: ['RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=WE'],
    });
    expect(
      lines(
        { frequency: 'weekly', interval: 2, weekdays: ['MO', 'TH'], ends: { type: 'count', count: 6 } },
        '2026-03-02T10:00:00Z',
      ),
    ).toEqual({ lines: ['RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=6'] });
  });

  it('monthly and daily without weekdays; an end date is the end of that day in the zone, as UTC', () => {
    expect(
      lines({ frequency: 'monthly', ends: { type: 'until', date: '2026-07-31' } }, '2026-03-03T10:00:00Z'),
    ).toEqual({
      lines: ['RRULE:FREQ=MONTHLY;INTERVAL=1;UNTIL=20260731T225959Z'],
    });
    expect(lines({ frequency: 'daily', interval: 3 }, '2026-03-03T10:00:00Z')).toEqual({
      lines: ['RRULE:FREQ=DAILY;INTERVAL=3'],
    });
  });

  it('refuses what cannot be a series, in plain words', () => {
    const issues = (input: unknown) =>
      recurrenceInputSchema.safeParse(input).error?.issues.map((i) => i.message);
    expect(issues({ frequency: 'weekly', interval: 53 })).toEqual(['Repeat at most every 52']);
    expect(issues({ frequency: 'weekly', ends: { type: 'count', count: 0 } })).toEqual([
      'A series has at least 1 occurrence',
    ]);
    expect(issues({ frequency: 'weekly', weekdays: ['MO', 'MO'] })).toEqual([
      'Each weekday may appear only once',
    ]);
    expect(issues({ frequency: 'weekly', ends: { type: 'until', date: '31/01/2027' } })).toEqual([
      'Enter the last date as YYYY-MM-DD',
    ]);
    expect(
      lines({ frequency: 'weekly', ends: { type: 'until', date: '2031-03-04' } }, '2026-03-03T10:00:00Z'),
    ).toEqual({
      error: 'A series may run for at most 5 years',
    });
  });
});
