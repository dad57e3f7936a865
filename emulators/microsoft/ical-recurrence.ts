import { DateTime } from 'luxon';
import type { RecurrencePattern, RecurrenceRecord } from './store-types';

/**
 * Graph's patternedRecurrence ↔ iCalendar RRULE, for the iMIP Exchange sends and receives
 * (Exchange writes its series as one RRULE and its deleted occurrences as EXDATE). Rules Graph
 * cannot hold (FREQ=HOURLY, several BYSETPOS…) come back null: the invitation then lands as a
 * single event, as Outlook shows an invitation it cannot map.
 */

const DAY_OF_CODE: Record<string, string> = {
  MO: 'monday',
  TU: 'tuesday',
  WE: 'wednesday',
  TH: 'thursday',
  FR: 'friday',
  SA: 'saturday',
  SU: 'sunday',
};
const CODE_OF_DAY = Object.fromEntries(Object.entries(DAY_OF_CODE).map(([code, day]) => [day, code]));
const INDEX_OF_POS: Record<string, RecurrencePattern['index']> = {
  '1': 'first',
  '2': 'second',
  '3': 'third',
  '4': 'fourth',
  '-1': 'last',
};
const POS_OF_INDEX: Record<string, string> = { first: '1', second: '2', third: '3', fourth: '4', last: '-1' };

export function toRrule(recurrence: RecurrenceRecord): string {
  const { pattern, range } = recurrence;
  const days = pattern.daysOfWeek.map((day) => CODE_OF_DAY[day.toLowerCase()]).filter(Boolean);
  const parts: string[] = [];
  switch (pattern.type) {
    case 'daily':
      parts.push('FREQ=DAILY');
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY', `BYDAY=${days.join(',')}`);
      if (pattern.firstDayOfWeek.toLowerCase() !== 'monday')
        parts.push(`WKST=${CODE_OF_DAY[pattern.firstDayOfWeek.toLowerCase()] ?? 'MO'}`);
      break;
    case 'absoluteMonthly':
      parts.push('FREQ=MONTHLY', `BYMONTHDAY=${pattern.dayOfMonth}`);
      break;
    case 'relativeMonthly':
      parts.push('FREQ=MONTHLY', `BYDAY=${days.join(',')}`, `BYSETPOS=${POS_OF_INDEX[pattern.index] ?? '1'}`);
      break;
    case 'absoluteYearly':
      parts.push('FREQ=YEARLY', `BYMONTH=${pattern.month}`, `BYMONTHDAY=${pattern.dayOfMonth}`);
      break;
    case 'relativeYearly':
      parts.push(
        'FREQ=YEARLY',
        `BYMONTH=${pattern.month}`,
        `BYDAY=${days.join(',')}`,
        `BYSETPOS=${POS_OF_INDEX[pattern.index] ?? '1'}`,
      );
      break;
  }
  if (pattern.interval > 1) parts.push(`INTERVAL=${pattern.interval}`);
  if (range.type === 'numbered') parts.push(`COUNT=${range.numberOfOccurrences}`);
  if (range.type === 'endDate') parts.push(`UNTIL=${range.endDate.replace(/-/g, '')}`);
  return `RRULE:${parts.join(';')}`;
}

/** The RRULE among `lines` as Graph's recurrence, starting on `startDate` (the series' first local date). */
export function fromRrule(lines: string[], startDate: string, zone: string): RecurrenceRecord | null {
  const rule = lines.find((line) => line.toUpperCase().startsWith('RRULE:'));
  if (!rule) return null;
  const parts = new Map(
    rule
      .slice(6)
      .split(';')
      .map((part) => part.split('=') as [string, string | undefined])
      .map(([key, value]) => [key.toUpperCase(), value ?? ''] as const),
  );
  const start = DateTime.fromISO(startDate);
  const byDay = (parts.get('BYDAY') ?? '').split(',').filter(Boolean);
  const days = byDay
    .map((code) => DAY_OF_CODE[code.replace(/^[+-]?\d+/, '')])
    .filter((d): d is string => !!d);
  const ordinal = byDay[0]?.match(/^([+-]?\d+)/)?.[1] ?? parts.get('BYSETPOS');
  const pattern: RecurrencePattern = {
    type: 'daily',
    interval: Number(parts.get('INTERVAL') ?? 1) || 1,
    daysOfWeek: [],
    dayOfMonth: 0,
    month: 0,
    firstDayOfWeek: DAY_OF_CODE[parts.get('WKST') ?? 'MO'] ?? 'monday',
    index: 'first',
  };
  const weekdayOfStart = Object.values(DAY_OF_CODE)[start.weekday - 1] ?? 'monday';
  switch (parts.get('FREQ')) {
    case 'DAILY':
      if (days.length) Object.assign(pattern, { type: 'weekly', daysOfWeek: days });
      break;
    case 'WEEKLY':
      Object.assign(pattern, { type: 'weekly', daysOfWeek: days.length ? days : [weekdayOfStart] });
      break;
    case 'MONTHLY':
      if (days.length && ordinal)
        Object.assign(pattern, {
          type: 'relativeMonthly',
          daysOfWeek: days,
          index: INDEX_OF_POS[ordinal] ?? 'first',
        });
      else
        Object.assign(pattern, {
          type: 'absoluteMonthly',
          dayOfMonth: Number(parts.get('BYMONTHDAY') ?? start.day),
        });
      break;
    case 'YEARLY': {
      const month = Number(parts.get('BYMONTH') ?? start.month);
      if (days.length && ordinal)
        Object.assign(pattern, {
          type: 'relativeYearly',
          month,
          daysOfWeek: days,
          index: INDEX_OF_POS[ordinal] ?? 'first',
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
      return null;
  }
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  return {
    pattern,
    range: {
      type: count ? 'numbered' : until ? 'endDate' : 'noEnd',
      startDate,
      endDate: until ? untilDate(until, zone) : '0001-01-01',
      numberOfOccurrences: count ? Number(count) : 0,
      recurrenceTimeZone: zone,
    },
  };
}

function untilDate(until: string, zone: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(until);
  if (!match) return '0001-01-01';
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
  return at.setZone(zone).toISODate() ?? `${year}-${month}-${day}`;
}
