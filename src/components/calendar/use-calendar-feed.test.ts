import { describe, expect, it } from 'vitest';
import { keepSameSpanData } from './use-calendar-feed';

const DAY = 86_400_000;
const key = (from: Date | string, to: Date | string) => ({
  queryKey: [['calendar', 'feed'], { input: { from, to }, type: 'query' }] as const,
});

describe('keepSameSpanData', () => {
  const week = keepSameSpanData<string>(7 * DAY);

  it('keeps the previous week drawn while the next week loads, its dates as Dates or as ISO strings', () => {
    expect(week('held', key(new Date('2026-11-30T00:00:00Z'), new Date('2026-12-07T00:00:00Z')))).toBe(
      'held',
    );
    expect(week('held', key('2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'))).toBe('held');
    // A week across the clocks changing is an hour shorter or longer.
    expect(week('held', key('2026-10-19T00:00:00.000Z', '2026-10-26T01:00:00.000Z'))).toBe('held');
  });

  it('draws nothing from another view (a week while a month loads) and nothing without a previous query', () => {
    expect(
      keepSameSpanData<string>(42 * DAY)('held', key('2026-11-30T00:00:00Z', '2026-12-07T00:00:00Z')),
    ).toBe(undefined);
    expect(week('held', undefined)).toBe(undefined);
  });
});
