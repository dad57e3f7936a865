import { DateTime } from 'luxon';
import type { RecurrenceRecord } from './store-types';

/**
 * Expands Graph's patternedRecurrence into local dates. Graph evaluates the pattern on wall-clock
 * dates in the series' zone, so this works on dates and lets the caller attach the time of day
 * (which keeps 09:00 at 09:00 across DST, as Outlook does).
 */

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const INDEXES = ['first', 'second', 'third', 'fourth'];
/** Safety net for `noEnd` series queried far ahead. */
const MAX_DAYS = 366 * 12;

function weekdayName(date: DateTime): string {
  return WEEKDAYS[date.weekday - 1] ?? 'monday';
}

function weekStart(date: DateTime, firstDayOfWeek: string): DateTime {
  const first = WEEKDAYS.indexOf(firstDayOfWeek.toLowerCase()) + 1 || 7;
  const back = (date.weekday - first + 7) % 7;
  return date.minus({ days: back }).startOf('day');
}

function monthsBetween(a: DateTime, b: DateTime): number {
  return (b.year - a.year) * 12 + (b.month - a.month);
}

/** True when `date` is the index-th (or last) of its weekday within its month. */
function matchesRelativeIndex(date: DateTime, index: string): boolean {
  if (index === 'last') return date.plus({ weeks: 1 }).month !== date.month;
  return INDEXES.indexOf(index) === Math.floor((date.day - 1) / 7);
}

function matches(rec: RecurrenceRecord, start: DateTime, date: DateTime): boolean {
  const { pattern } = rec;
  const days = pattern.daysOfWeek.map((day) => day.toLowerCase());
  const interval = Math.max(1, pattern.interval);
  switch (pattern.type) {
    case 'daily':
      return Math.round(date.diff(start, 'days').days) % interval === 0;
    case 'weekly': {
      if (!days.includes(weekdayName(date))) return false;
      const weeks = Math.round(
        weekStart(date, pattern.firstDayOfWeek).diff(weekStart(start, pattern.firstDayOfWeek), 'weeks').weeks,
      );
      return weeks % interval === 0;
    }
    case 'absoluteMonthly':
      return date.day === pattern.dayOfMonth && monthsBetween(start, date) % interval === 0;
    case 'relativeMonthly':
      return (
        days.includes(weekdayName(date)) &&
        matchesRelativeIndex(date, pattern.index) &&
        monthsBetween(start, date) % interval === 0
      );
    case 'absoluteYearly':
      return (
        date.month === pattern.month &&
        date.day === pattern.dayOfMonth &&
        (date.year - start.year) % interval === 0
      );
    case 'relativeYearly':
      return (
        date.month === pattern.month &&
        days.includes(weekdayName(date)) &&
        matchesRelativeIndex(date, pattern.index) &&
        (date.year - start.year) % interval === 0
      );
  }
}

/**
 * Dates (`yyyy-MM-dd`) of the series that fall in [fromDate, toDate], inclusive. Counting for
 * `numbered` ranges starts at the range's start date, whatever the window.
 */
export function expandRecurrenceDates(rec: RecurrenceRecord, fromDate: string, toDate: string): string[] {
  const start = DateTime.fromISO(rec.range.startDate, { zone: 'utc' });
  const from = DateTime.fromISO(fromDate, { zone: 'utc' });
  let last = DateTime.fromISO(toDate, { zone: 'utc' });
  if (rec.range.type === 'endDate') {
    const end = DateTime.fromISO(rec.range.endDate, { zone: 'utc' });
    if (end < last) last = end;
  }
  const cap = start.plus({ days: MAX_DAYS });
  if (cap < last) last = cap;

  const dates: string[] = [];
  let count = 0;
  for (let day = start; day <= last; day = day.plus({ days: 1 })) {
    if (!matches(rec, start, day)) continue;
    count += 1;
    if (rec.range.type === 'numbered' && count > rec.range.numberOfOccurrences) break;
    if (day >= from) dates.push(day.toISODate() ?? '');
  }
  return dates;
}
