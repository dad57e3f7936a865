/**
 * Time arithmetic on Google's `{date}` / `{dateTime, timeZone}` shapes: instants for comparisons,
 * RFC 3339 rendering in a zone (Google answers with the offset of the event's zone), and the
 * instance-id suffixes Google uses for recurring instances.
 */
import { DateTime } from 'luxon';
import type { GDateTime } from './types';

/** The instant a start/end denotes; all-day dates are midnight in `calendarZone`. */
export function instantMs(value: GDateTime, calendarZone: string): number {
  if (value.dateTime) return Date.parse(value.dateTime);
  if (value.date) return DateTime.fromISO(value.date, { zone: calendarZone }).toMillis();
  return Number.NaN;
}

export function isAllDay(value: GDateTime): boolean {
  return value.date !== undefined && value.dateTime === undefined;
}

/** RFC 3339 as Google writes it: seconds precision, the zone's offset (`Z` for UTC). */
export function formatRfc3339(ms: number, zone: string | undefined): string {
  const dt = DateTime.fromMillis(ms, { zone: zone && isValidZone(zone) ? zone : 'UTC' });
  if (dt.offset === 0) return dt.toUTC().toISO({ suppressMilliseconds: true, includeOffset: false }) + 'Z';
  return dt.toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}

/** Zones seen so far: the check goes through Intl, too dear to repeat for every time rendered. */
const zoneValidity = new Map<string, boolean>();

export function isValidZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = DateTime.local().setZone(zone).isValid;
    zoneValidity.set(zone, valid);
  }
  return valid;
}

/** `YYYYMMDDTHHMMSSZ` (timed, UTC) or `YYYYMMDD` (all-day): the suffix of an instance id. */
export function instanceSuffix(original: GDateTime): string {
  if (original.date) return original.date.replaceAll('-', '');
  const utc = DateTime.fromMillis(Date.parse(original.dateTime ?? ''), { zone: 'UTC' });
  return utc.toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** Splits `<masterId>_<suffix>` into its parts, when the id has the shape of an instance id. */
export function parseInstanceId(id: string): { masterId: string; suffix: string } | null {
  const match = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
  return match ? { masterId: match[1] ?? '', suffix: match[2] ?? '' } : null;
}

/** RFC 3339 with a mandatory offset, as Google requires for timeMin / timeMax / updatedMin. */
export function parseRfc3339(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate() ?? date;
}
