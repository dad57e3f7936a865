import type { DAVCalendar } from 'tsdav';
import type { ProviderCalendar } from '../types';
import { ianaZoneFor } from './time-zones';

/**
 * A tsdav calendar → ProviderCalendar. CalDAV has no "primary" flag outside scheduling: the
 * caller marks the server's schedule-default-calendar-URL, else the first calendar of the home
 * (scheduling-collections.ts); write privileges are not queried (calendars in a CalDAV home are
 * writable for their owner).
 */
export function calendarFromDav(calendar: DAVCalendar, isPrimary: boolean): ProviderCalendar {
  return {
    externalId: calendar.url,
    name: displayNameOf(calendar) ?? lastSegment(calendar.url),
    color: colorOf(calendar.calendarColor),
    timeZone: zoneOf(calendar.timezone),
    isPrimary,
    canWrite: true,
  };
}

function displayNameOf(calendar: DAVCalendar): string | null {
  const value = calendar.displayName;
  if (typeof value === 'string' && value.trim()) return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/** Apple writes `#RRGGBBAA`; we keep `#rrggbb`. */
export function colorOf(value: unknown): string | null {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'object' && value && '_text' in value
        ? String((value as { _text: unknown })._text)
        : '';
  const match = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(text.trim());
  return match ? `#${match[1]!.toLowerCase()}` : null;
}

/** calendar-timezone holds a whole VTIMEZONE: its TZID is what we want. */
function zoneOf(vtimezone: string | undefined): string | null {
  const tzid = /TZID:([^\r\n]+)/.exec(vtimezone ?? '')?.[1];
  return ianaZoneFor(tzid ?? null);
}

function lastSegment(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? url);
}
