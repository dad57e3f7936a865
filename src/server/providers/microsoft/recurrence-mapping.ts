import { DateTime } from 'luxon';
import { ProviderBadRequestError } from '../errors';

/**
 * iCalendar RRULE lines ↔ Graph patternedRecurrence. Graph has no EXDATE or RDATE: excluded
 * dates are applied after creation by cancelling those occurrences (see provider.ts).
 */

export interface GraphRecurrence {
  pattern: {
    type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
    interval: number;
    daysOfWeek?: string[];
    dayOfMonth?: number;
    month?: number;
    firstDayOfWeek?: string;
    index?: 'first' | 'second' | 'third' | 'fourth' | 'last';
  };
  range: {
    type: 'endDate' | 'noEnd' | 'numbered';
    startDate: string;
    endDate?: string;
    numberOfOccurrences?: number;
    recurrenceTimeZone?: string;
  };
}

const DAY_CODES: Record<string, string> = {
  MO: 'monday',
  TU: 'tuesday',
  WE: 'wednesday',
  TH: 'thursday',
  FR: 'friday',
  SA: 'saturday',
  SU: 'sunday',
};
const CODE_OF_DAY = Object.fromEntries(Object.entries(DAY_CODES).map(([code, day]) => [day, code]));
const INDEX_OF: Record<string, GraphRecurrence['pattern']['index']> = {
  '1': 'first',
  '2': 'second',
  '3': 'third',
  '4': 'fourth',
  '-1': 'last',
};
const POS_OF: Record<string, string> = { first: '1', second: '2', third: '3', fourth: '4', last: '-1' };

/** A rule Graph's recurrence pattern cannot express: our request, so never worth retrying. */
export class UnsupportedRecurrenceError extends ProviderBadRequestError {}

/** The RRULE line among recurrence lines, parsed into its parts. */
function ruleParts(lines: string[]): Map<string, string> {
  const rule = lines.find((line) => line.toUpperCase().startsWith('RRULE:'));
  if (!rule) throw new UnsupportedRecurrenceError('recurrence without an RRULE line');
  return new Map(
    rule
      .slice(6)
      .split(';')
      .map((part) => part.split('=') as [string, string])
      .map(([key, value]) => [key.toUpperCase(), value ?? '']),
  );
}

/**
 * UNTIL (a date, a floating or a UTC date-time) as the inclusive end date in the series' zone.
 * Graph's end date keeps every occurrence on that day, so an UNTIL earlier in the day than the
 * series' start time (a series ended just before one occurrence, as "this and following" does)
 * ends on the day before.
 */
function untilDate(until: string, zone: string, startTime?: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(until);
  if (!match) throw new UnsupportedRecurrenceError(`unreadable UNTIL ${until}`);
  const [, year, month, day, hour, minute, second, utc] = match;
  if (!hour) return `${year}-${month}-${day}`;
  const at = DateTime.fromObject(
    {
      year: Number(year),
      month: Number(month),
      day: Number(day),
      hour: Number(hour),
      minute: Number(minute),
      second: Number(second),
    },
    { zone: utc ? 'utc' : zone },
  );
  const local = at.setZone(zone);
  const endDay = startTime && local.toFormat('HH:mm:ss') < startTime ? local.minus({ days: 1 }) : local;
  return endDay.toISODate() ?? `${year}-${month}-${day}`;
}

/** `startDate` is the series' first date in its zone; `zone` the IANA zone of the series. */
/** `startTime`: the series' start as wall-clock HH:mm:ss in `zone` (timed series), for UNTIL. */
export function toGraphRecurrence(
  lines: string[],
  startDate: string,
  zone: string,
  startTime?: string,
): GraphRecurrence {
  const parts = ruleParts(lines);
  const freq = parts.get('FREQ');
  const interval = Number(parts.get('INTERVAL') ?? 1);
  const byDay = (parts.get('BYDAY') ?? '').split(',').filter(Boolean);
  const dayNames = byDay.map((d) => DAY_CODES[d.replace(/^[+-]?\d+/, '')] ?? '').filter(Boolean);
  const ordinal = byDay[0]?.match(/^([+-]?\d+)/)?.[1] ?? parts.get('BYSETPOS');
  const start = DateTime.fromISO(startDate);
  const pattern: GraphRecurrence['pattern'] = { type: 'daily', interval };
  switch (freq) {
    case 'DAILY':
      // "Every weekday" and the like: Graph spells a daily rule limited to some days as weekly.
      if (dayNames.length)
        Object.assign(pattern, { type: 'weekly', daysOfWeek: dayNames, firstDayOfWeek: 'monday' });
      break;
    case 'WEEKLY':
      Object.assign(pattern, {
        type: 'weekly',
        daysOfWeek: dayNames.length ? dayNames : [Object.values(DAY_CODES)[start.weekday - 1]],
        firstDayOfWeek: DAY_CODES[parts.get('WKST') ?? 'MO'] ?? 'monday',
      });
      break;
    case 'MONTHLY':
      if (dayNames.length && ordinal)
        Object.assign(pattern, {
          type: 'relativeMonthly',
          daysOfWeek: dayNames,
          index: INDEX_OF[ordinal] ?? 'first',
        });
      else
        Object.assign(pattern, {
          type: 'absoluteMonthly',
          dayOfMonth: Number(parts.get('BYMONTHDAY') ?? start.day),
        });
      break;
    case 'YEARLY': {
      const month = Number(parts.get('BYMONTH') ?? start.month);
      if (dayNames.length && ordinal)
        Object.assign(pattern, {
          type: 'relativeYearly',
          month,
          daysOfWeek: dayNames,
          index: INDEX_OF[ordinal] ?? 'first',
        });
      else
        Object.assign(pattern, {
          type: 'absoluteYearly',
          month,
          dayOfMonth: Number(parts.get('BYMONTHDAY') ?? start.day),
        });
      break;
    }
    default:
      throw new UnsupportedRecurrenceError(`Graph cannot express FREQ=${freq ?? '?'}`);
  }
  const range: GraphRecurrence['range'] = { type: 'noEnd', startDate, recurrenceTimeZone: zone };
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  if (count) Object.assign(range, { type: 'numbered', numberOfOccurrences: Number(count) });
  else if (until) Object.assign(range, { type: 'endDate', endDate: untilDate(until, zone, startTime) });
  return { pattern, range };
}

/** Graph's recurrence as one RRULE line (dates in the series' zone). */
export function fromGraphRecurrence(recurrence: GraphRecurrence): string[] {
  const { pattern, range } = recurrence;
  const parts: string[] = [];
  const days = (pattern.daysOfWeek ?? []).map((day) => CODE_OF_DAY[day.toLowerCase()]).filter(Boolean);
  switch (pattern.type) {
    case 'daily':
      parts.push('FREQ=DAILY');
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY', `BYDAY=${days.join(',')}`);
      if (pattern.firstDayOfWeek && pattern.firstDayOfWeek.toLowerCase() !== 'monday')
        parts.push(`WKST=${CODE_OF_DAY[pattern.firstDayOfWeek.toLowerCase()] ?? 'MO'}`);
      break;
    case 'absoluteMonthly':
      parts.push('FREQ=MONTHLY', `BYMONTHDAY=${pattern.dayOfMonth ?? 1}`);
      break;
    case 'relativeMonthly':
      parts.push(
        'FREQ=MONTHLY',
        `BYDAY=${days.join(',')}`,
        `BYSETPOS=${POS_OF[pattern.index ?? 'first'] ?? '1'}`,
      );
      break;
    case 'absoluteYearly':
      parts.push('FREQ=YEARLY', `BYMONTH=${pattern.month ?? 1}`, `BYMONTHDAY=${pattern.dayOfMonth ?? 1}`);
      break;
    case 'relativeYearly':
      parts.push(
        'FREQ=YEARLY',
        `BYMONTH=${pattern.month ?? 1}`,
        `BYDAY=${days.join(',')}`,
        `BYSETPOS=${POS_OF[pattern.index ?? 'first'] ?? '1'}`,
      );
      break;
  }
  if (pattern.interval > 1) parts.push(`INTERVAL=${pattern.interval}`);
  if (range.type === 'numbered' && range.numberOfOccurrences)
    parts.push(`COUNT=${range.numberOfOccurrences}`);
  // UNTIL as a date: Graph's range end is a date in the series' zone, inclusive.
  if (range.type === 'endDate' && range.endDate) parts.push(`UNTIL=${range.endDate.replace(/-/g, '')}`);
  return [`RRULE:${parts.join(';')}`];
}
