import { DateTime } from 'luxon';

/** Date and time inputs (in the user's zone) ↔ instants. */
export function toWallTime(instant: Date, zone: string): { date: string; time: string } {
  const local = DateTime.fromJSDate(instant, { zone });
  return { date: local.toISODate() ?? '', time: local.toFormat('HH:mm') };
}

export function fromWallTime(date: string, time: string, zone: string): Date | null {
  const local = DateTime.fromISO(`${date}T${time}`, { zone });
  return local.isValid ? local.toJSDate() : null;
}

/**
 * FullCalendar, given a named time zone, reports dates as strings with the right offset
 * (`2026-03-03T10:00:00+00:00`) or, for all-day cells, as plain dates; its Date objects are
 * "UTC-coerced" wall times, so the strings are the only reliable source.
 */
export function instantFromCalendarString(value: string, zone: string): Date {
  return value.length === 10
    ? DateTime.fromISO(value, { zone }).toJSDate()
    : DateTime.fromISO(value, { setZone: true }).toJSDate();
}

const LONG_DATE = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } as const;

/** A day written the locale's way ("Monday 30 November 2026", "Monday, November 30, 2026"). */
export function formatLongDate(day: DateTime, locale: string): string {
  return day.setLocale(locale).toLocaleString(LONG_DATE);
}

/** Times stay 24-hour, as in the calendar grid and the form's time inputs; the date follows the locale. */
export function formatTimeRange(start: Date, end: Date, zone: string, locale: string): string {
  const from = DateTime.fromJSDate(start, { zone });
  const to = DateTime.fromJSDate(end, { zone });
  const day = formatLongDate(from, locale);
  const sameDay = from.hasSame(to, 'day');
  return sameDay
    ? `${day}, ${from.toFormat('HH:mm')}–${to.toFormat('HH:mm')} (${zone.replaceAll('_', ' ')})`
    : `${day}, ${from.toFormat('HH:mm')} – ${formatLongDate(to, locale)}, ${to.toFormat('HH:mm')} (${zone.replaceAll('_', ' ')})`;
}
