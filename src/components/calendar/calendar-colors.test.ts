import { describe, expect, it } from 'vitest';
import { calendarEventColor, calendarSwatchColor, contrastWithWhite } from './calendar-colors';

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16)) as [number, number, number];
}

describe('calendar colours', () => {
  it('keeps a dark colour as it is', () => {
    expect(calendarEventColor('#1e40af')).toBe('#1e40af');
  });

  it.each(['#9fc6e7', '#ffff00', '#fbe983', '#ffffff', '#7bd148', '#abc'])(
    'darkens %s until white text reads (AA)',
    (color) => {
      const result = calendarEventColor(color);
      expect(contrastWithWhite(rgb(result))).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('falls back to slate for a missing or unreadable colour', () => {
    expect(calendarEventColor(null)).toBe('#475569');
    expect(calendarEventColor('rebeccapurple')).toBe('#475569');
    expect(calendarSwatchColor('#ABC')).toBe('#aabbcc');
  });
});
