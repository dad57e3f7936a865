import { describe, expect, it } from 'vitest';
import { expandOccurrences, isSeriesStart } from './occurrences';
import { recurrenceInputSchema, toRecurrenceLines } from './rule-input';

function weekly(startsAt: string, endsAt: string, timeZone: string, recurrence: string[]) {
  return {
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    timeZone,
    recurrence,
    status: 'scheduled' as const,
    title: 'Weekly check-in',
    description: null,
    location: 'Room 2',
  };
}

describe('expanding a Tandem recurring meeting', () => {
  it('keeps a weekly 09:00 London meeting at 09:00 across the clocks going forward', () => {
    // 09:00 GMT on Tue 24 Mar 2026; British Summer Time starts Sun 29 Mar.
    const series = weekly('2026-03-24T09:00:00Z', '2026-03-24T09:30:00Z', 'Europe/London', [
      'RRULE:FREQ=WEEKLY;COUNT=3',
    ]);
    const starts = expandOccurrences(series, [], new Date('2026-03-01'), new Date('2026-05-01')).map((o) =>
      o.startsAt.toISOString(),
    );
    expect(starts).toEqual([
      '2026-03-24T09:00:00.000Z',
      '2026-03-31T08:00:00.000Z',
      '2026-04-07T08:00:00.000Z',
    ]);
  });

  it('an end date in the meeting’s zone includes that day’s occurrence', () => {
    const input = recurrenceInputSchema.parse({
      frequency: 'weekly',
      interval: 12,
      ends: { type: 'until', date: '2026-08-25' },
    });
    const start = new Date('2026-03-03T23:30:00Z'); // Wed 4 Mar 00:30 in Berlin
    const result = toRecurrenceLines(input, start, 'Europe/Berlin');
    if (!('lines' in result)) throw new Error(result.error);
    const series = weekly(start.toISOString(), '2026-03-04T00:30:00Z', 'Europe/Berlin', result.lines);
    const starts = expandOccurrences(series, [], new Date('2026-01-01'), new Date('2027-01-01')).map((o) =>
      o.startsAt.toISOString(),
    );
    // Every 12 weeks on Wednesday 00:30 Berlin (summer time from 29 Mar: 22:30 UTC the day before).
    expect(starts).toEqual([
      '2026-03-03T23:30:00.000Z',
      '2026-05-26T22:30:00.000Z',
      '2026-08-18T22:30:00.000Z',
    ]);
  });

  it('applies exceptions: moved (also into the range from outside it), retitled, cancelled', () => {
    const series = weekly('2026-03-03T10:00:00Z', '2026-03-03T10:45:00Z', 'Europe/London', [
      'RRULE:FREQ=WEEKLY;COUNT=4',
    ]);
    const exceptions = [
      {
        originalStartsAt: new Date('2026-03-10T10:00:00Z'),
        status: 'cancelled' as const,
        startsAt: new Date('2026-03-10T10:00:00Z'),
        endsAt: new Date('2026-03-10T10:45:00Z'),
        title: null,
        description: null,
        location: null,
      },
      {
        originalStartsAt: new Date('2026-03-24T10:00:00Z'),
        status: 'scheduled' as const,
        startsAt: new Date('2026-03-16T14:00:00Z'),
        endsAt: new Date('2026-03-16T15:00:00Z'),
        title: 'Check-in (moved)',
        description: null,
        location: null,
      },
    ];
    const occurrences = expandOccurrences(series, exceptions, new Date('2026-03-09'), new Date('2026-03-23'));
    expect(occurrences.map((o) => [o.startsAt.toISOString(), o.status, o.title, o.isException])).toEqual([
      ['2026-03-10T10:00:00.000Z', 'cancelled', 'Weekly check-in', true],
      ['2026-03-16T14:00:00.000Z', 'scheduled', 'Check-in (moved)', true],
      ['2026-03-17T10:00:00.000Z', 'scheduled', 'Weekly check-in', false],
    ]);
    expect(occurrences[1]?.originalStartsAt.toISOString()).toBe('2026-03-24T10:00:00.000Z');
    expect(isSeriesStart(series, new Date('2026-03-17T10:00:00Z'))).toBe(true);
    expect(isSeriesStart(series, new Date('2026-03-17T11:00:00Z'))).toBe(false);
    expect(isSeriesStart(series, new Date('2026-03-31T10:00:00Z'))).toBe(false);
  });

  it('never expands a series that never ends beyond the cap', () => {
    const series = weekly('2026-03-03T10:00:00Z', '2026-03-03T10:45:00Z', 'UTC', ['RRULE:FREQ=DAILY']);
    const occurrences = expandOccurrences(series, [], new Date('2026-03-01'), new Date('2028-03-01'));
    expect(occurrences).toHaveLength(400);
  });
});
