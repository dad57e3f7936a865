import { DateTime } from 'luxon';
import { wallTimeToInstant } from '@/server/time/zones';
import { seriesStarts, type SeriesFields } from './occurrences';
import { WEEKDAYS } from './rule-input';

// Edits of stored RRULE lines for splitting and moving a series. Only the RRULE line changes;
// EXDATE lines stay, and an EXDATE outside the series is harmless.

const SECOND = 1000;

function rruleParts(line: string): Map<string, string> {
  const body = line.replace(/^RRULE:/i, '');
  return new Map(
    body.split(';').flatMap((part) => {
      const [key, value] = part.split('=');
      return key && value !== undefined ? [[key.toUpperCase(), value] as [string, string]] : [];
    }),
  );
}

function rruleLine(parts: Map<string, string>): string {
  return `RRULE:${[...parts].map(([key, value]) => `${key}=${value}`).join(';')}`;
}

function mapRrule(lines: string[], change: (parts: Map<string, string>) => void): string[] {
  return lines.map((line) => {
    if (!/^RRULE:/i.test(line)) return line;
    const parts = rruleParts(line);
    change(parts);
    return rruleLine(parts);
  });
}

function utcStamp(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replaceAll('-', '').replaceAll(':', '')}Z`;
}

/** The series as it was before `splitAt`: it ends (UNTIL, UTC) just before that occurrence. */
export function endingBefore(lines: string[], splitAt: Date): string[] {
  return mapRrule(lines, (parts) => {
    parts.delete('COUNT');
    parts.set('UNTIL', utcStamp(new Date(splitAt.getTime() - SECOND)));
  });
}

/**
 * The rule for the series that carries on from `splitAt`: the same rule, with a COUNT reduced by
 * the occurrences already held before the split (UNTIL stays as it was).
 */
export function continuingFrom(series: SeriesFields, splitAt: Date): string[] {
  const before = seriesStarts(series, series.startsAt, splitAt).length;
  return mapRrule(series.recurrence ?? [], (parts) => {
    const count = parts.get('COUNT');
    if (count) parts.set('COUNT', String(Math.max(1, Number(count) - before)));
  });
}

/** Wall-clock milliseconds of an instant in a zone (its local date and time, read as UTC). */
function floating(instant: Date, zone: string): number {
  const wall = DateTime.fromJSDate(instant, { zone });
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/**
 * `instant` moved by as much wall-clock time as `from` → `to` in `zone`: a whole series moved an
 * hour later stays an hour later on both sides of a DST change.
 */
export function shiftedLike(instant: Date, from: Date, to: Date, zone: string): Date {
  const ms = floating(instant, zone) + floating(to, zone) - floating(from, zone);
  const iso = new Date(ms).toISOString();
  return wallTimeToInstant(iso.slice(0, 10), iso.slice(11, 19), zone);
}

/** `YYYYMMDDTHHMMSSZ` as an instant; null for a date or a floating time. */
function utcUntil(value: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
}

/**
 * The rule follows a moved start: a weekly rule on the single weekday of the old start moves to
 * its new weekday (a Tuesday check-in dragged to Wednesday repeats on Wednesdays), and an UNTIL
 * instant moves as much as the start did, so the series keeps the occurrences it had: a series
 * ended just before an occurrence ("this and following" cancelled) and then moved earlier would
 * otherwise take that occurrence back. Other rules stay.
 */
export function followingTheStart(lines: string[], oldStart: Date, newStart: Date, zone: string): string[] {
  const oldDay = WEEKDAYS[DateTime.fromJSDate(oldStart, { zone }).weekday - 1];
  const newDay = WEEKDAYS[DateTime.fromJSDate(newStart, { zone }).weekday - 1];
  if (oldStart.getTime() === newStart.getTime()) return lines;
  return mapRrule(lines, (parts) => {
    if (oldDay && newDay && parts.get('FREQ') === 'WEEKLY' && parts.get('BYDAY') === oldDay)
      parts.set('BYDAY', newDay);
    const until = utcUntil(parts.get('UNTIL') ?? '');
    if (until) parts.set('UNTIL', utcStamp(shiftedLike(until, oldStart, newStart, zone)));
  });
}
