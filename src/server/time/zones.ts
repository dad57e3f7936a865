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
  // The wall time read as if in UTC. Plain values are read by hand (luxon's parser was most of the
  // Scheduling Assistant's remaining profile); anything else goes through luxon, which validates.
  const plain = plainWallMs(date, time);
  if (plain !== null && isKnownZone(zone)) return wallMsToInstant(plain, zone);
  const wall = DateTime.fromISO(`${date}T${time}`, { zone: 'utc' });
  if (!wall.isValid || !isKnownZone(zone))
    throw new RangeError(`Invalid wall time ${date} ${time} in ${zone}`);
  return wallMsToInstant(wall.toMillis(), zone);
}

/**
 * wallTimeToInstant for a wall time given as the epoch milliseconds of the same fields in UTC (a
 * "floating" time, as rrule works in). The zone must be a valid IANA name.
 */
export function wallMsToInstant(wallMs: number, zone: string): Date {
  if (!isKnownZone(zone)) throw new RangeError(`Invalid time zone ${zone}`);
  // The zone's offsets a day either side cover both sides of any transition near the wall time.
  let best = Number.POSITIVE_INFINITY;
  for (const shift of [-DAY_MS, 0, DAY_MS]) {
    const instant = wallMs - offsetMinutesAt(zone, wallMs + shift) * 60_000;
    if (offsetMinutesAt(zone, instant) * 60_000 === wallMs - instant) best = Math.min(best, instant);
  }
  if (best !== Number.POSITIVE_INFINITY) return new Date(best);
  const iso = new Date(wallMs).toISOString();
  return DateTime.fromISO(iso.slice(0, 23), { zone }).toJSDate();
}

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PLAIN_TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `YYYY-MM-DD` and `HH:MM[:SS]` naming a real date and time, as UTC epoch ms; null for anything else. */
function plainWallMs(date: string, time: string): number | null {
  const d = PLAIN_DATE.exec(date);
  const t = PLAIN_TIME.exec(time);
  if (!d || !t) return null;
  const [year, month, day, hour, minute, second] = [d[1], d[2], d[3], t[1], t[2], t[3] ?? '0'].map(
    Number,
  ) as [number, number, number, number, number, number];
  if (year < 1000 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Date.UTC rolls 31 April over into May: only a date that comes back unchanged is real.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return null;
  return ms;
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
