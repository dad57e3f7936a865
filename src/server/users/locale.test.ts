import { describe, expect, it } from 'vitest';
import { FALLBACK_LOCALE, localeFromAcceptLanguage } from './locale';

describe('localeFromAcceptLanguage', () => {
  it.each([
    ['en-GB,en;q=0.9', 'en-GB'],
    ['en-US,en;q=0.9', 'en-US'],
    ['en-gb', 'en-GB'],
    ['fr;q=0.5, de-DE;q=0.8', 'de-DE'],
    ['*;q=0.5, nl', 'nl'],
    ['not a tag!!, en-AU', 'en-AU'],
    ['en-GB;q=0, en-US', 'en-US'],
  ])('%s → %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });

  it('falls back when the header is missing or names nothing usable', () => {
    expect(localeFromAcceptLanguage(null)).toBe(FALLBACK_LOCALE);
    expect(localeFromAcceptLanguage('')).toBe(FALLBACK_LOCALE);
    expect(localeFromAcceptLanguage('*')).toBe(FALLBACK_LOCALE);
  });

  it('writes the day before the month for a UK browser and after it for a US one', () => {
    const monday = new Date('2026-11-30T12:00:00Z');
    const format = (header: string) =>
      new Intl.DateTimeFormat(localeFromAcceptLanguage(header), {
        weekday: 'short',
        day: 'numeric',
        month: 'numeric',
        timeZone: 'UTC',
      }).format(monday);
    expect(format('en-GB')).toBe('Mon 30/11');
    expect(format('en-US')).toBe('Mon, 11/30');
  });
});
