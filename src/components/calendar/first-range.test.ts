import { describe, expect, it } from 'vitest';
import { firstCalendarRange } from './first-range';

describe('firstCalendarRange', () => {
  it('is the Monday-to-Monday week holding the instant, in the viewer’s zone', () => {
    // Sunday 23:30 in London is already Monday in Tokyo.
    const now = new Date('2026-03-08T23:30:00Z');
    expect(firstCalendarRange(now, 'Europe/London')).toEqual({
      from: new Date('2026-03-02T00:00:00Z'),
      to: new Date('2026-03-09T00:00:00Z'),
    });
    expect(firstCalendarRange(now, 'Asia/Tokyo')).toEqual({
      from: new Date('2026-03-08T15:00:00Z'),
      to: new Date('2026-03-15T15:00:00Z'),
    });
  });

  it('spans a change of offset as FullCalendar does: midnight to midnight, local time', () => {
    // London moves to summer time on Sunday 29 March 2026.
    const range = firstCalendarRange(new Date('2026-03-25T12:00:00Z'), 'Europe/London');
    expect(range).toEqual({ from: new Date('2026-03-23T00:00:00Z'), to: new Date('2026-03-29T23:00:00Z') });
  });
});
