/**
 * Colours of third-party calendars. Event text is white, so a provider's colour is used as it is
 * only when white on it meets WCAG AA (4.5:1); lighter ones are darkened, keeping their hue.
 */
const FALLBACK = '#475569';
const AA_CONTRAST = 4.5;

type Rgb = [number, number, number];

function parseHex(color: string | null | undefined): Rgb | null {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color?.trim() ?? '');
  if (!match?.[1]) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((digit) => digit + digit).join('') : match[1];
  return [0, 2, 4].map((start) => parseInt(hex.slice(start, start + 2), 16)) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
}

function luminance([r, g, b]: Rgb): number {
  const linear = (channel: number) => {
    const value = channel / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastWithWhite(rgb: Rgb): number {
  return 1.05 / (luminance(rgb) + 0.05);
}

/** The calendar's own colour, for swatches (any colour will do beside its name). */
export function calendarSwatchColor(color: string | null | undefined): string {
  const rgb = parseHex(color);
  return rgb ? toHex(rgb) : FALLBACK;
}

/** A background for white event text: the calendar's colour, darkened until it reads. */
export function calendarEventColor(color: string | null | undefined): string {
  let rgb = parseHex(color);
  if (!rgb) return FALLBACK;
  // A little margin over 4.5: axe rounds nothing, and borders blend at the edges.
  for (let step = 0; step < 40 && contrastWithWhite(rgb) < AA_CONTRAST + 0.1; step += 1) {
    rgb = rgb.map((channel) => channel * 0.92) as Rgb;
  }
  return toHex(rgb);
}
