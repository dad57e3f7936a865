import { describe, expect, it } from 'vitest';
import { nowLineTop } from './now-line';
import { WHOLE_DAY } from './visible-hours';

const workday = { slotMinTime: '08:00', slotMaxTime: '18:00' };
const at = (iso: string) => new Date(iso).getTime();

describe('nowLineTop', () => {
  it('is the share of the hours shown that has passed, in the viewer’s zone', () => {
    // 13:00 in London in winter (UTC+0): 5 of the 10 hours shown.
    expect(nowLineTop(at('2026-12-02T13:00:00Z'), 'Europe/London', workday)).toBe(50);
    // The same instant is 08:00 in New York (UTC-5): the top of the column.
    expect(nowLineTop(at('2026-12-02T13:00:00Z'), 'America/New_York', workday)).toBe(0);
    // Summer time: 13:00 UTC is 14:00 in London.
    expect(nowLineTop(at('2026-07-01T13:00:00Z'), 'Europe/London', workday)).toBe(60);
  });

  it('moves by whole minutes, as FullCalendar’s own indicator did', () => {
    const top = nowLineTop(at('2026-12-02T00:01:59.900Z'), 'UTC', WHOLE_DAY);
    expect(top).toBeCloseTo((1 / (24 * 60)) * 100, 10);
  });

  it('is not drawn outside the hours shown', () => {
    expect(nowLineTop(at('2026-12-02T07:59:00Z'), 'UTC', workday)).toBeNull();
    expect(nowLineTop(at('2026-12-02T18:00:00Z'), 'UTC', workday)).toBeNull();
    expect(nowLineTop(at('2026-12-02T17:59:00Z'), 'UTC', workday)).toBeCloseTo(99.83, 2);
    expect(nowLineTop(at('2026-12-02T23:59:00Z'), 'UTC', WHOLE_DAY)).toBeCloseTo(99.93, 2);
  });
});
