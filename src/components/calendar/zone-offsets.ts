import { createPlugin } from '@fullcalendar/core';
import { NamedTimeZoneImpl } from '@fullcalendar/core/internal';
import { IANAZone } from 'luxon';

/*
 * Wall times in a named zone, fast (issue 16). Luxon asks Intl for the offset on every call, and
 * FullCalendar's luxon plugin builds a luxon DateTime for every date it converts (several per
 * event); with the page's own per-item work that was about 40 % of the script time of opening a
 * 1,000-event week. Offsets change only on quarter hours (every transition since 1970 is at a
 * multiple of 15 minutes UTC), so one answer per zone and quarter hour is exact.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const MINUTE_MS = 60_000;
/** About a year of quarter hours per zone, then the cache starts again. */
const MAX_CACHED = 40_000;
const offsetsByZone = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at the instant `ms`, in minutes (60 for London in summer). */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  if (ms < 0) return IANAZone.create(zone).offset(ms);
  let offsets = offsetsByZone.get(zone);
  if (!offsets || offsets.size > MAX_CACHED) {
    offsets = new Map();
    offsetsByZone.set(zone, offsets);
  }
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let offset = offsets.get(quarter);
  if (offset === undefined) {
    offset = IANAZone.create(zone).offset(quarter * QUARTER_HOUR_MS);
    offsets.set(quarter, offset);
  }
  return offset;
}

/** The wall time at the instant `ms` in `zone`, as a UTC timestamp ("UTC-coerced", as FullCalendar's markers). */
export function wallClockMs(zone: string, ms: number): number {
  return ms + zoneOffsetMinutes(zone, ms) * MINUTE_MS;
}

/**
 * The offset that makes the wall time `wallMs` (UTC-coerced) an instant in `zone`: luxon's own
 * resolution (its `fixOffset`), so a time in a spring-forward gap moves forward and one in the
 * repeated autumn hour takes the earlier offset, as FullCalendar's luxon plugin did.
 */
export function offsetForWallClock(zone: string, wallMs: number): number {
  const guess = zoneOffsetMinutes(zone, wallMs);
  let utc = wallMs - guess * MINUTE_MS;
  const second = zoneOffsetMinutes(zone, utc);
  if (second === guess) return guess;
  utc -= (second - guess) * MINUTE_MS;
  const third = zoneOffsetMinutes(zone, utc);
  return second === third ? second : Math.max(second, third);
}

/** FullCalendar's named time zones through the cached offsets above. */
class CachedNamedTimeZone extends NamedTimeZoneImpl {
  offsetForArray(a: number[]): number {
    const [year = 1970, month = 0, day = 1, hour = 0, minute = 0, second = 0, ms = 0] = a;
    return offsetForWallClock(this.timeZoneName, Date.UTC(year, month, day, hour, minute, second, ms));
  }

  timestampToArray(ms: number): number[] {
    const wall = new Date(wallClockMs(this.timeZoneName, ms));
    return [
      wall.getUTCFullYear(),
      wall.getUTCMonth(),
      wall.getUTCDate(),
      wall.getUTCHours(),
      wall.getUTCMinutes(),
      wall.getUTCSeconds(),
      wall.getUTCMilliseconds(),
    ];
  }
}

/** Use after `@fullcalendar/luxon3` (kept for its format strings): replaces its time zone implementation. */
export const cachedTimeZonePlugin = createPlugin({
  name: 'tandem-cached-time-zones',
  namedTimeZonedImpl: CachedNamedTimeZone,
});
