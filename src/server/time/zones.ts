import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimeZone, { message: 'Unknown time zone (use an IANA name such as Europe/London)' });

/**
 * The instant at which a wall-clock time happens in a zone. Across a DST gap the wall time does
 * not exist and luxon moves it forward (02:30 on a spring-forward night becomes 03:30); across
 * an overlap it picks the earlier of the two instants — what calendar apps do.
 */
export function wallTimeToInstant(date: string, time: string, zone: string): Date {
  const local = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!local.isValid) throw new RangeError(`Invalid wall time ${date} ${time} in ${zone}`);
  return local.toJSDate();
}

/** The calendar date (YYYY-MM-DD) an instant falls on for someone in `zone`. */
export function localDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate() ?? '';
}

/** Adds whole calendar days in a zone, keeping the wall-clock time across DST changes. */
export function addLocalDays(instant: Date, days: number, zone: string): Date {
  return DateTime.fromJSDate(instant, { zone }).plus({ days }).toJSDate();
}
