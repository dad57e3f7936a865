import * as ews from 'ews-javascript-api';
import { DateTime as Luxon } from 'luxon';
import {
  fromGraphRecurrence,
  toGraphRecurrence,
  type GraphRecurrence,
} from '../microsoft/recurrence-mapping';

/**
 * iCalendar RRULE lines ↔ the EWS Managed API's Recurrence patterns. EWS's recurrence model is
 * the one Graph's patternedRecurrence was derived from (same pattern kinds, the same three
 * ranges), so the RRULE parsing is shared with the Graph adapter and only the last step
 * (GraphRecurrence ↔ ews-javascript-api objects) lives here. Like Graph, EWS has no EXDATE:
 * excluded dates are deleted occurrences (see provider.ts).
 */

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const INDEXES = ['first', 'second', 'third', 'fourth', 'last'] as const;

/** A date (`YYYY-MM-DD`) as the library's DateTime, so it is written as that date. */
// Built from its parts: the library writes an xs:date from the DateTime's local (process) date.
function ewsDate(date: string): ews.DateTime {
  const [year, month, day] = date.split('-').map(Number);
  return new ews.DateTime(year ?? 1970, month ?? 1, day ?? 1);
}

function isoDate(value: ews.DateTime): string {
  return (
    Luxon.fromObject({ year: value.Year, month: value.Month, day: value.Day }, { zone: 'utc' }).toISODate() ??
    ''
  );
}

/** The patterns' typed constructors take no arguments in the library's .d.ts; its JS takes them. */
type PatternClass = new (...args: unknown[]) => ews.Recurrence;
function makePattern(klass: unknown, ...args: unknown[]): ews.Recurrence {
  return new (klass as PatternClass)(...args);
}

function dayOf(name: string): ews.DayOfTheWeek {
  return DAYS.indexOf(name.toLowerCase()) as ews.DayOfTheWeek;
}

/**
 * `startTime`: a timed series' start as wall-clock HH:mm:ss in `zone`. EWS's EndDate, like Graph's
 * end date, keeps every occurrence on that day, so an UNTIL earlier in the day than the start (a
 * series ended just before one occurrence by "this and following") must end on the day before.
 */
export function toEwsRecurrence(
  lines: string[],
  startDate: string,
  zone: string,
  startTime?: string,
): ews.Recurrence {
  const graph = toGraphRecurrence(lines, startDate, zone, startTime);
  const { pattern, range } = graph;
  const start = ewsDate(range.startDate);
  const firstDay = dayOf(pattern.daysOfWeek?.[0] ?? 'monday');
  const index = INDEXES.indexOf(pattern.index ?? 'first') as ews.DayOfTheWeekIndex;
  let recurrence: ews.Recurrence;
  switch (pattern.type) {
    case 'daily':
      recurrence = makePattern(ews.Recurrence.DailyPattern, start, pattern.interval);
      break;
    case 'weekly':
      recurrence = makePattern(
        ews.Recurrence.WeeklyPattern,
        start,
        pattern.interval,
        (pattern.daysOfWeek ?? []).map(dayOf),
      );
      break;
    case 'absoluteMonthly':
      recurrence = makePattern(
        ews.Recurrence.MonthlyPattern,
        start,
        pattern.interval,
        pattern.dayOfMonth ?? 1,
      );
      break;
    case 'relativeMonthly':
      recurrence = makePattern(
        ews.Recurrence.RelativeMonthlyPattern,
        start,
        pattern.interval,
        firstDay,
        index,
      );
      break;
    case 'absoluteYearly':
      recurrence = makePattern(
        ews.Recurrence.YearlyPattern,
        start,
        (pattern.month ?? 1) as ews.Month,
        pattern.dayOfMonth ?? 1,
      );
      break;
    case 'relativeYearly':
      recurrence = makePattern(
        ews.Recurrence.RelativeYearlyPattern,
        start,
        (pattern.month ?? 1) as ews.Month,
        firstDay,
        index,
      );
      break;
  }
  if (range.type === 'numbered') recurrence.NumberOfOccurrences = range.numberOfOccurrences ?? 1;
  else if (range.type === 'endDate' && range.endDate) recurrence.EndDate = ewsDate(range.endDate);
  else recurrence.NeverEnds();
  return recurrence;
}

function weekdays(collection: ews.DayOfTheWeekCollection): string[] {
  return collection.GetEnumerator().map((day) => DAYS[day] ?? 'monday');
}

/** The series' RRULE line, or null for a pattern we do not map (regeneration patterns). */
export function fromEwsRecurrence(recurrence: ews.Recurrence): string[] | null {
  const R = ews.Recurrence;
  let pattern: GraphRecurrence['pattern'];
  if (recurrence instanceof R.DailyPattern) pattern = { type: 'daily', interval: recurrence.Interval };
  else if (recurrence instanceof R.WeeklyPattern)
    pattern = {
      type: 'weekly',
      interval: recurrence.Interval,
      daysOfWeek: weekdays(recurrence.DaysOfTheWeek),
    };
  else if (recurrence instanceof R.MonthlyPattern)
    pattern = { type: 'absoluteMonthly', interval: recurrence.Interval, dayOfMonth: recurrence.DayOfMonth };
  else if (recurrence instanceof R.RelativeMonthlyPattern)
    pattern = {
      type: 'relativeMonthly',
      interval: recurrence.Interval,
      daysOfWeek: [DAYS[recurrence.DayOfTheWeek] ?? 'monday'],
      index: INDEXES[recurrence.DayOfTheWeekIndex] ?? 'first',
    };
  else if (recurrence instanceof R.YearlyPattern)
    pattern = {
      type: 'absoluteYearly',
      interval: 1,
      month: recurrence.Month,
      dayOfMonth: recurrence.DayOfMonth,
    };
  else if (recurrence instanceof R.RelativeYearlyPattern)
    pattern = {
      type: 'relativeYearly',
      interval: 1,
      month: recurrence.Month,
      daysOfWeek: [DAYS[recurrence.DayOfTheWeek] ?? 'monday'],
      index: INDEXES[recurrence.DayOfTheWeekIndex] ?? 'first',
    };
  else return null;
  const startDate = isoDate(recurrence.StartDate);
  const range: GraphRecurrence['range'] = recurrence.NumberOfOccurrences
    ? { type: 'numbered', startDate, numberOfOccurrences: recurrence.NumberOfOccurrences }
    : recurrence.EndDate
      ? { type: 'endDate', startDate, endDate: isoDate(recurrence.EndDate) }
      : { type: 'noEnd', startDate };
  return fromGraphRecurrence({ pattern, range });
}
