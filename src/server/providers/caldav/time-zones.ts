/**
 * Wall-clock ↔ instant conversions for IANA zones, using the runtime's own tz database (Intl).
 * iCalendar stores local times plus a TZID; the server's VTIMEZONE for a well-known zone may be
 * stale, so known IANA zones are always converted with Intl, and only unknown TZIDs fall back to
 * the object's VTIMEZONE (see ical-times.ts).
 */

/** A local date-time without a zone (what DTSTART;TZID=… carries). Months are 1-12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let found = formatters.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, found);
  }
  return found;
}

export function isIanaZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The IANA name Intl knows a TZID by, trying the common vendor prefixes (`/mozilla.org/…/Europe/Berlin`). */
export function ianaZoneFor(tzid: string | null | undefined): string | null {
  if (!tzid) return null;
  const trimmed = tzid.trim();
  if (trimmed === 'Z' || /^(utc|gmt|etc\/utc|etc\/gmt)$/i.test(trimmed)) return 'UTC';
  if (isIanaZone(trimmed) && trimmed.includes('/')) return canonical(trimmed);
  const segments = trimmed.split('/').filter(Boolean);
  for (let take = Math.min(3, segments.length); take >= 2; take -= 1) {
    const candidate = segments.slice(-take).join('/');
    if (isIanaZone(candidate)) return canonical(candidate);
  }
  return isIanaZone(trimmed) ? canonical(trimmed) : null;
}

function canonical(zone: string): string {
  return formatter(zone).resolvedOptions().timeZone;
}

export function utcToWall(instant: number, zone: string): WallTime {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(instant))
      .filter((part) => part.type !== 'literal')
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

export function wallToNaiveMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** Offset of `zone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
export function offsetAt(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallToNaiveMs(utcToWall(whole, zone)) - whole;
}

/**
 * The instant a wall time denotes in `zone`. As RFC 5545 §3.3.5 says: an ambiguous time (the
 * repeated hour when summer time ends) is its first occurrence; a time inside the gap when summer
 * time starts is read with the offset from before the gap.
 */
export function wallToUtc(wall: WallTime, zone: string): number {
  const naive = wallToNaiveMs(wall);
  const offsetBefore = offsetAt(naive - 86_400_000, zone);
  const offsetAfter = offsetAt(naive + 86_400_000, zone);
  const valid = [offsetBefore, offsetAfter]
    .map((offset) => naive - offset)
    .filter((instant) => wallToNaiveMs(utcToWall(instant, zone)) === naive)
    .sort((a, b) => a - b);
  return valid[0] ?? naive - offsetBefore;
}

export function wallFromNaiveMs(ms: number): WallTime {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}
