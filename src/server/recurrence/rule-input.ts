import { DateTime } from 'luxon';
import { z } from 'zod';
import { InvalidInputError } from '@/server/errors';
import { RRule } from '@/server/time/rrule';
import { MAX_COUNT, MAX_INTERVAL, MAX_SERIES_YEARS } from './limits';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * How a person says a meeting repeats: every N days / weeks / months, on which weekdays (weekly),
 * ending never, after N occurrences or on a date (in the meeting's zone, inclusive).
 */
export const recurrenceInputSchema = z
  .strictObject({
    frequency: z.enum(['daily', 'weekly', 'monthly']),
    interval: z
      .number()
      .int('Repeat every whole number of days, weeks or months')
      .min(1, 'Repeat at least every 1')
      .max(MAX_INTERVAL, `Repeat at most every ${MAX_INTERVAL}`)
      .default(1),
    /** Weekly only; empty means the weekday of the first occurrence. */
    weekdays: z.array(z.enum(WEEKDAYS)).max(7).default([]),
    ends: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('never') }),
        z.strictObject({
          type: z.literal('count'),
          count: z
            .number()
            .int()
            .min(1, 'A series has at least 1 occurrence')
            .max(MAX_COUNT, `At most ${MAX_COUNT} occurrences`),
        }),
        z.strictObject({
          type: z.literal('until'),
          date: z.iso.date({ message: 'Enter the last date as YYYY-MM-DD' }),
        }),
      ])
      .default({ type: 'never' }),
  })
  .refine((input) => input.frequency === 'weekly' || input.weekdays.length === 0, {
    message: 'Weekdays can be chosen only for a weekly meeting',
    path: ['weekdays'],
  })
  .refine((input) => new Set(input.weekdays).size === input.weekdays.length, {
    message: 'Each weekday may appear only once',
    path: ['weekdays'],
  });
export type RecurrenceInput = z.output<typeof recurrenceInputSchema>;

const FREQUENCIES = { daily: RRule.DAILY, weekly: RRule.WEEKLY, monthly: RRule.MONTHLY } as const;
const RRULE_WEEKDAYS = {
  MO: RRule.MO,
  TU: RRule.TU,
  WE: RRule.WE,
  TH: RRule.TH,
  FR: RRule.FR,
  SA: RRule.SA,
  SU: RRule.SU,
} as const;

/**
 * The iCalendar lines stored in `meetings.recurrence` (one RRULE), expanded later in `timeZone`
 * from the meeting's start. An end date is the end of that day in the meeting's zone, as UTC
 * (RFC 5545: UNTIL is UTC when DTSTART has a zone). Returns an error message for a series whose
 * end is before its start.
 */
export function toRecurrenceLines(
  input: RecurrenceInput,
  startsAt: Date,
  timeZone: string,
): { lines: string[] } | { error: string } {
  const weekdays =
    input.weekdays.length > 0
      ? input.weekdays
      : input.frequency === 'weekly'
        ? [weekdayOf(startsAt, timeZone)]
        : [];
  let until: Date | undefined;
  if (input.ends.type === 'until') {
    const lastDay = DateTime.fromISO(input.ends.date, { zone: timeZone }).endOf('day');
    if (lastDay.toJSDate() < startsAt) return { error: 'The series must end on or after its first date' };
    const latest = DateTime.fromJSDate(startsAt, { zone: timeZone }).plus({ years: MAX_SERIES_YEARS });
    if (lastDay > latest) return { error: `A series may run for at most ${MAX_SERIES_YEARS} years` };
    until = new Date(Math.floor(lastDay.toMillis() / 1000) * 1000);
  }
  const rule = new RRule({
    freq: FREQUENCIES[input.frequency],
    interval: input.interval,
    ...(weekdays.length > 0 ? { byweekday: weekdays.map((day) => RRULE_WEEKDAYS[day]) } : {}),
    ...(input.ends.type === 'count' ? { count: input.ends.count } : {}),
    ...(until ? { until } : {}),
  });
  return { lines: [rule.toString()] };
}

function weekdayOf(instant: Date, timeZone: string): Weekday {
  const weekday = DateTime.fromJSDate(instant, { zone: timeZone }).weekday; // 1 = Monday
  return WEEKDAYS[weekday - 1] ?? 'MO';
}

/** toRecurrenceLines for a service: a series that cannot be is refused in plain words. */
export function recurrenceLines(input: RecurrenceInput, startsAt: Date, timeZone: string): string[] {
  const result = toRecurrenceLines(input, startsAt, timeZone);
  if ('error' in result) throw new InvalidInputError(result.error);
  return result.lines;
}
