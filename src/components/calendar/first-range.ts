import { DateTime } from 'luxon';
import type { DateRange } from '@/server/time/range';

/**
 * The range the Calendar opens on: the week (Monday to Monday, as `firstDay: 1` draws it) holding
 * `now` in the viewer's zone — what FullCalendar's first `datesSet` reports for `timeGridWeek`.
 * The page prefetches its feed on the server under this range, so the first draw needs no fetch.
 */
export function firstCalendarRange(now: Date, zone: string): DateRange {
  const monday = DateTime.fromJSDate(now, { zone }).startOf('week');
  return { from: monday.toJSDate(), to: monday.plus({ weeks: 1 }).toJSDate() };
}
