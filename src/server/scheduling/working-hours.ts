import type { WorkingHours } from '@/server/users/working-hours';
import { offsetMinutesAt, wallTimeToInstant } from '@/server/time/zones';

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
  // Remembered: a pure function of these, and the grid asks for the same people's same weeks on
  // every refresh (each day's two wall times were a tenth of a warm availability read). Copies
  // are handed out, so no caller can change what the next one gets.
  const key = `${hours.days.join(',')}|${hours.start}|${hours.end}|${zone}|${from}|${to}`;
  let spans = remembered.get(key);
  if (!spans) {
    spans = computeWorkingSpans(hours, zone, from, to);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, spans);
  }
  return spans.map((span) => ({ start: span.start, end: span.end }));
}

const remembered = new Map<string, Span[]>();
const MAX_REMEMBERED = 10_000;

/** workingSpans worked out afresh (what is remembered; exported for the equivalence test). */
export function computeWorkingSpans(hours: WorkingHours, zone: string, from: number, to: number): Span[] {
  const days = new Set(hours.days);
  const spans: Span[] = [];
  // A day either side: the person's local day can start up to 14 hours before or after UTC's.
  const first = localDayMs(from - DAY_MS, zone);
  const last = localDayMs(to + DAY_MS, zone);
  for (let day = first; day <= last; day += DAY_MS) {
    // ISO weekday of the local date (1 = Monday); `day` is that date at 00:00 UTC.
    const weekday = ((new Date(day).getUTCDay() + 6) % 7) + 1;
    if (!days.has(weekday)) continue;
    const date = new Date(day).toISOString().slice(0, 10);
    const start = wallTimeToInstant(date, `${hours.start}:00`, zone).getTime();
    const end = wallTimeToInstant(date, `${hours.end}:00`, zone).getTime();
    if (end > from && start < to && end > start)
      spans.push({ start: Math.max(start, from), end: Math.min(end, to) });
  }
  return spans;
}

/** The local date of an instant in a zone, as that date's 00:00 UTC. */
function localDayMs(instant: number, zone: string): number {
  const local = instant + offsetMinutesAt(zone, instant) * 60_000;
  return Math.floor(local / DAY_MS) * DAY_MS;
}
