import { describe, expect, it } from 'vitest';
import { seriesOccurrences, type SeriesMaster } from './recurrence-expansion';

/** Weekly on Mondays at 09:00 London from 18 March 2030, across the clocks going forward (31 March). */
function londonWeekly(...exdates: string[]): SeriesMaster {
  return {
    recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5', ...exdates],
    start: { kind: 'timed', start: new Date('2030-03-18T09:00:00Z'), timeZone: 'Europe/London' },
  };
}

const MARCH_TO_MAY = [new Date('2030-03-01T00:00:00Z'), new Date('2030-05-01T00:00:00Z')] as const;
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('EXDATE in the mirror expansion', () => {
  it('without exclusions: 09:00 local on both sides of the change', () => {
    expect(iso(seriesOccurrences(londonWeekly(), ...MARCH_TO_MAY))).toEqual([
      '2030-03-18T09:00:00.000Z',
      '2030-03-25T09:00:00.000Z',
      '2030-04-01T08:00:00.000Z',
      '2030-04-08T08:00:00.000Z',
      '2030-04-15T08:00:00.000Z',
    ]);
  });

  it('a UTC EXDATE leaves out the occurrence at that instant, read in the series zone', () => {
    // 08:00Z on 8 April is 09:00 BST; 09:00Z on 15 April is 10:00 BST, which is no occurrence.
    const master = londonWeekly('EXDATE:20300408T080000Z', 'EXDATE:20300415T090000Z');
    expect(iso(seriesOccurrences(master, ...MARCH_TO_MAY))).toEqual([
      '2030-03-18T09:00:00.000Z',
      '2030-03-25T09:00:00.000Z',
      '2030-04-01T08:00:00.000Z',
      '2030-04-15T08:00:00.000Z',
    ]);
  });

  it('a date-only EXDATE on a timed series leaves out that day, whatever the time', () => {
    const master = londonWeekly('EXDATE;VALUE=DATE:20300325,20300408');
    expect(iso(seriesOccurrences(master, ...MARCH_TO_MAY))).toEqual([
      '2030-03-18T09:00:00.000Z',
      '2030-04-01T08:00:00.000Z',
      '2030-04-15T08:00:00.000Z',
    ]);
  });

  it('an EXDATE in another zone leaves out the occurrence at the same instant', () => {
    // 04:00 in New York on 1 April (EDT) is 09:00 in London (BST).
    const master = londonWeekly('EXDATE;TZID=America/New_York:20300401T040000');
    expect(iso(seriesOccurrences(master, ...MARCH_TO_MAY))).not.toContain('2030-04-01T08:00:00.000Z');
    expect(seriesOccurrences(master, ...MARCH_TO_MAY)).toHaveLength(4);
  });

  it('a date-only EXDATE on an all-day series leaves out that date', () => {
    const master: SeriesMaster = {
      recurrence: ['RRULE:FREQ=DAILY;COUNT=4', 'EXDATE;VALUE=DATE:20300319'],
      start: { kind: 'allDay', startDate: '2030-03-18' },
    };
    expect(iso(seriesOccurrences(master, ...MARCH_TO_MAY))).toEqual([
      '2030-03-18T00:00:00.000Z',
      '2030-03-20T00:00:00.000Z',
      '2030-03-21T00:00:00.000Z',
    ]);
  });
});
