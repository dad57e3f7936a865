import { DateTime } from 'luxon';
import type { WorkingHours } from '@/server/users/working-hours';
import { wallTimeToInstant } from '@/server/time/zones';

/** A stretch of time as epoch milliseconds, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

/**
 * The instants someone works in [from, to): each working day's start and end are wall times of
 * their own zone, turned into instants day by day, so a 09:00–17:00 day stays 09:00–17:00 local on
 * both sides of a DST change (and is an hour shorter or longer in UTC on the change day itself only
 * when the change falls inside the working day).
 */
export function workingSpans(hours: WorkingHours, zone: string, from: number, to: number): Span[] {
  const days = new Set(hours.days);
  const spans: Span[] = [];
  // A day either side: the person's local day can start up to 14 hours before or after UTC's.
  let day = DateTime.fromMillis(from - DAY_MS, { zone }).startOf('day');
  const last = DateTime.fromMillis(to + DAY_MS, { zone }).startOf('day');
  while (day <= last) {
    if (days.has(day.weekday)) {
      const date = day.toISODate() ?? '';
      const start = wallTimeToInstant(date, `${hours.start}:00`, zone).getTime();
      const end = wallTimeToInstant(date, `${hours.end}:00`, zone).getTime();
      if (end > from && start < to && end > start)
        spans.push({ start: Math.max(start, from), end: Math.min(end, to) });
    }
    day = day.plus({ days: 1 });
  }
  return spans;
}
