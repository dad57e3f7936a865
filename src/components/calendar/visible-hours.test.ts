import { describe, expect, it } from 'vitest';
import { visibleHours, WHOLE_DAY } from './visible-hours';

const workday = { start: '09:00', end: '17:00' };
const at = (iso: string) => new Date(iso);

describe('visibleHours', () => {
  it('is the working day when nothing falls outside it', () => {
    const items = [{ start: at('2026-11-30T10:00:00Z'), end: at('2026-11-30T11:00:00Z') }];
    expect(visibleHours(workday, items, 'Europe/London')).toEqual({
      slotMinTime: '09:00',
      slotMaxTime: '17:00',
    });
  });

  it('widens to whole hours around items before and after it, in the viewer’s zone', () => {
    const items = [
      { start: at('2026-11-30T07:40:00Z'), end: at('2026-11-30T08:10:00Z') },
      { start: at('2026-12-01T18:00:00Z'), end: at('2026-12-01T18:20:00Z') },
    ];
    expect(visibleHours(workday, items, 'Europe/London')).toEqual({
      slotMinTime: '07:00',
      slotMaxTime: '19:00',
    });
    // The same instants in New York are 02:40 and 13:20 local.
    expect(visibleHours(workday, items, 'America/New_York')).toEqual({
      slotMinTime: '02:00',
      slotMaxTime: '17:00',
    });
  });

  it('rounds a working day that does not start on the hour outwards', () => {
    expect(visibleHours({ start: '08:30', end: '16:45' }, [], 'UTC')).toEqual({
      slotMinTime: '08:00',
      slotMaxTime: '17:00',
    });
  });

  it('shows the whole day for an item past midnight, but not for one ending exactly at it', () => {
    const late = [{ start: at('2026-11-30T22:00:00Z'), end: at('2026-12-01T00:00:00Z') }];
    expect(visibleHours(workday, late, 'UTC')).toEqual({ slotMinTime: '09:00', slotMaxTime: '24:00' });
    const overnight = [{ start: at('2026-11-30T23:00:00Z'), end: at('2026-12-01T01:00:00Z') }];
    expect(visibleHours(workday, overnight, 'UTC')).toEqual(WHOLE_DAY);
  });
});
