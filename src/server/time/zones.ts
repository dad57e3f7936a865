import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

const DAY_MS = 86_400_000;

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimeZone, { message: 'Unknown time zone (use an IANA name such as Europe/London)' });

/**
 * The instant at which a wall-clock time happens in a zone. Across a DST gap the wall time does
 * not exist and it moves forward by the gap (02:30 on a spring-forward night becomes 03:30);
 * across an overlap it is the earlier of the two instants — what calendar apps do. (Luxon alone
 * picks either instant of an overlap, depending on the zone, so both are tried here.)
 */
export function wallTimeToInstant(date: string, time: string, zone: string): Date {
  // The wall time read as if in UTC: no zone lookups, the same validation of the date and time.
  const wall = DateTime.fromISO(`${date}T${time}`, { zone: 'utc' });
  if (!wall.isValid || !isKnownZone(zone))
    throw new RangeError(`Invalid wall time ${date} ${time} in ${zone}`);
  const wallMs = wall.toMillis();
  // The zone's offsets a day either side cover both sides of any transition near the wall time.
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetMinutesAt(zone, wallMs + shift)));
  const instants = [...offsets]
    .map((offset) => wallMs - offset * 60_000)
    .filter((instant) => offsetMinutesAt(zone, instant) * 60_000 === wallMs - instant);
  return instants.length > 0
    ? new Date(Math.min(...instants))
    : DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate();
}

const QUARTER_HOUR_MS = 15 * 60_000;
const offsetCache = new Map<string, number>();
const knownZones = new Map<string, boolean>();

function isKnownZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    known = IANAZone.isValidZone(zone);
    knownZones.set(zone, known);
  }
  return known;
}

/**
 * A zone's UTC offset (minutes) at an instant. Luxon asks Intl every time, which dominated the
 * Scheduling Assistant's profile; offsets are kept per quarter hour, and a quarter hour whose two
 * ends differ (it holds a transition) is always asked exactly.
 */
export function offsetMinutesAt(zone: string, instant: number): number {
  const bucket = Math.floor(instant / QUARTER_HOUR_MS);
  const key = `${zone}|${bucket}`;
  let cached = offsetCache.get(key);
  if (cached === undefined) {
    const tz = IANAZone.create(zone);
    const first = tz.offset(bucket * QUARTER_HOUR_MS);
    const last = tz.offset((bucket + 1) * QUARTER_HOUR_MS - 1);
    cached = first === last ? first : Number.NaN;
    if (offsetCache.size > 200_000) offsetCache.clear();
    offsetCache.set(key, cached);
  }
  return Number.isNaN(cached) ? IANAZone.create(zone).offset(instant) : cached;
}

/** The calendar date (YYYY-MM-DD) an instant falls on for someone in `zone`. */
export function localDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate() ?? '';
}

/** Adds whole calendar days in a zone, keeping the wall-clock time across DST changes. */
export function addLocalDays(instant: Date, days: number, zone: string): Date {
  return DateTime.fromJSDate(instant, { zone }).plus({ days }).toJSDate();
}
