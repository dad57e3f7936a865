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
  const local = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!local.isValid) throw new RangeError(`Invalid wall time ${date} ${time} in ${zone}`);
  const wallMs = DateTime.fromISO(`${date}T${time}`, { zone: 'utc' }).toMillis();
  const tz = IANAZone.create(zone);
  // The zone's offsets a day either side cover both sides of any transition near the wall time.
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => tz.offset(wallMs + shift)));
  const instants = [...offsets]
    .map((offset) => wallMs - offset * 60_000)
    .filter((instant) => tz.offset(instant) * 60_000 === wallMs - instant);
  return instants.length > 0 ? new Date(Math.min(...instants)) : local.toJSDate();
}

/** The calendar date (YYYY-MM-DD) an instant falls on for someone in `zone`. */
export function localDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate() ?? '';
}

/** Adds whole calendar days in a zone, keeping the wall-clock time across DST changes. */
export function addLocalDays(instant: Date, days: number, zone: string): Date {
  return DateTime.fromJSDate(instant, { zone }).plus({ days }).toJSDate();
}
