import { DateTime } from 'luxon';
import { RRule } from '@/server/time/rrule';
import { offsetMinutesAt, wallMsToInstant } from '@/server/time/zones';

/**
 * Expands a stored series master (RRULE / EXDATE / RDATE lines) into occurrence starts.
 *
 * rrule works on "floating" dates: each wall-clock time of the event's own zone is written into a
 * Date's UTC fields, expanded there, and turned back into an instant in that zone only at the end.
 * That is what keeps a weekly 09:00 meeting at 09:00 on both sides of a DST change.
 */

export type SeriesStart =
  { kind: 'timed'; start: Date; timeZone: string | null } | { kind: 'allDay'; startDate: string };

export interface SeriesMaster {
  recurrence: string[];
  start: SeriesStart;
}

type RRule = InstanceType<typeof RRule>;
type RRuleOptions = RRule['origOptions'];

const DAY_MS = 86_400_000;
/** Enough slack for any zone's offset (UTC−12 … UTC+14) when bounding a floating search. */
const OFFSET_SLACK_MS = 2 * DAY_MS;

/** Occurrence starts (instants; all-day: 00:00 UTC of the date) of occurrences starting in [from, to). */
export function seriesOccurrences(master: SeriesMaster, from: Date, to: Date): Date[] {
  return expand(master, from, to, true);
}

/**
 * seriesOccurrences as it was before rules were fast-forwarded: rrule walking every rule from the
 * series' first occurrence. The reference the equivalence test holds the fast path to.
 */
export function seriesOccurrencesWalkingFromStart(master: SeriesMaster, from: Date, to: Date): Date[] {
  return expand(master, from, to, false);
}

function expand(master: SeriesMaster, from: Date, to: Date, fastForward: boolean): Date[] {
  const zone = zoneOf(master.start);
  const floatingStart = floatingOf(master.start);
  const lower = new Date(from.getTime() - OFFSET_SLACK_MS);
  const upper = new Date(to.getTime() + OFFSET_SLACK_MS);
  const excluded = new Set<number>();
  const excludedDates = new Set<string>();
  const extra: number[] = [];
  const rules: RRule[] = [];
  for (const line of master.recurrence) {
    const { name, params, values } = splitLine(line);
    if (name === 'RRULE')
      rules.push(
        ruleFrom(
          values,
          floatingStart,
          zone,
          master.start.kind === 'allDay',
          fastForward ? lower : undefined,
        ),
      );
    else if (name === 'EXDATE' || name === 'RDATE') {
      for (const value of values.split(',')) {
        const parsed = floatingValue(value, params, zone);
        if (name === 'RDATE') extra.push(parsed.ms);
        else if (parsed.dateOnly && master.start.kind === 'timed') excludedDates.add(isoDate(parsed.ms));
        else excluded.add(parsed.ms);
      }
    }
  }
  const floating = new Set<number>([floatingStart.getTime(), ...extra]);
  for (const rule of rules) for (const date of rule.between(lower, upper, true)) floating.add(date.getTime());
  const starts: Date[] = [];
  for (const ms of [...floating].sort((a, b) => a - b)) {
    if (ms < floatingStart.getTime() || excluded.has(ms)) continue;
    if (excludedDates.size > 0 && excludedDates.has(isoDate(ms))) continue;
    const instant = master.start.kind === 'allDay' ? new Date(ms) : instantOf(ms, zone);
    if (instant >= from && instant < to) starts.push(instant);
  }
  return starts;
}

/**
 * The start of the last occurrence, or null when the series never ends (an RRULE with neither
 * UNTIL nor COUNT). Callers add the event's length to get the instant the series is over.
 */
export function lastOccurrenceStart(master: SeriesMaster): Date | null {
  const zone = zoneOf(master.start);
  const floatingStart = floatingOf(master.start);
  let last = floatingStart.getTime();
  for (const line of master.recurrence) {
    const { name, params, values } = splitLine(line);
    if (name === 'RRULE') {
      const options = RRule.parseString(values);
      if (!options.count && !options.until) return null;
      const rule = ruleFrom(values, floatingStart, zone, master.start.kind === 'allDay');
      const final = options.count
        ? rule.all().at(-1)
        : rule.before(rule.options.until ?? floatingStart, true);
      if (final) last = Math.max(last, final.getTime());
    } else if (name === 'RDATE') {
      for (const value of values.split(',')) last = Math.max(last, floatingValue(value, params, zone).ms);
    }
  }
  return master.start.kind === 'allDay' ? new Date(last) : instantOf(last, zone);
}

/**
 * The latest start a rule can be given while giving the same occurrences from `notBefore` on.
 * rrule walks a rule from its start, so a daily or weekly series a few years old cost a walk
 * through every one of its weeks to reach this one, for each read of the calendar. Only a DAILY or
 * WEEKLY rule without COUNT (which counts from the first occurrence) or BYSETPOS (which picks by
 * position within a period, and the moved start cuts its first period short) moves, and only
 * by whole periods (INTERVAL days or weeks), which keeps its weekday, its time of day (rrule
 * derives missing BYDAY, BYHOUR, BYMINUTE and BYSECOND from the start) and which weeks it falls
 * in; and never past `notBefore`, so any occurrence it no longer gives is before the window.
 * Floating times have no DST: a day is always 86,400,000 ms.
 */
function fastForwardedStart(options: RRuleOptions, dtstart: Date, notBefore: Date): Date {
  const { freq, count, bysetpos, interval } = options;
  if ((freq !== RRule.DAILY && freq !== RRule.WEEKLY) || count || bysetpos) return dtstart;
  const period = (interval ?? 1) * (freq === RRule.WEEKLY ? 7 : 1) * DAY_MS;
  const periods = Math.floor((notBefore.getTime() - dtstart.getTime()) / period);
  return periods > 0 ? new Date(dtstart.getTime() + periods * period) : dtstart;
}

function zoneOf(start: SeriesStart): string {
  return start.kind === 'timed' && start.timeZone ? start.timeZone : 'UTC';
}

function floatingOf(start: SeriesStart): Date {
  if (start.kind === 'allDay') return new Date(`${start.startDate}T00:00:00Z`);
  // The wall time in the zone, to the second, written into UTC fields.
  const instant = start.start.getTime();
  const wall = instant + offsetMinutesAt(zoneOf(start), instant) * 60_000;
  return new Date(wall - (((wall % 1000) + 1000) % 1000));
}

function instantOf(floatingMs: number, zone: string): Date {
  return wallMsToInstant(floatingMs - (((floatingMs % 1000) + 1000) % 1000), zone);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function splitLine(line: string): { name: string; params: string; values: string } {
  const colon = line.indexOf(':');
  const head = colon < 0 ? line : line.slice(0, colon);
  const semicolon = head.indexOf(';');
  return {
    name: (semicolon < 0 ? head : head.slice(0, semicolon)).toUpperCase(),
    params: semicolon < 0 ? '' : head.slice(semicolon + 1),
    values: colon < 0 ? '' : line.slice(colon + 1).trim(),
  };
}

/** An RRULE line's rule from the floating start (or, given `notBefore`, fast-forwarded towards it). */
function ruleFrom(
  values: string,
  floatingStart: Date,
  zone: string,
  allDay: boolean,
  notBefore?: Date,
): RRule {
  const options = RRule.parseString(values);
  if (options.until) {
    const untilRaw = /UNTIL=([0-9TZ]+)/i.exec(values)?.[1] ?? '';
    // UNTIL in UTC is an instant: compare it as the wall time it is in the event's zone. A date-only
    // UNTIL includes the whole day.
    if (untilRaw.endsWith('Z') && !allDay)
      options.until = floatingOf({ kind: 'timed', start: options.until, timeZone: zone });
    else if (!untilRaw.includes('T')) options.until = new Date(options.until.getTime() + DAY_MS - 1000);
  }
  const dtstart = notBefore ? fastForwardedStart(options, floatingStart, notBefore) : floatingStart;
  return new RRule({ ...options, dtstart, tzid: null });
}

/** An EXDATE/RDATE value as a floating time in the event's zone. */
function floatingValue(value: string, params: string, zone: string): { ms: number; dateOnly: boolean } {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value.trim());
  if (!match) return { ms: Number.NaN, dateOnly: false };
  const [, y, mo, d, h, mi, s, utc] = match;
  if (h === undefined) return { ms: Date.UTC(Number(y), Number(mo) - 1, Number(d)), dateOnly: true };
  const tzid = /TZID=([^;:]+)/i.exec(params)?.[1];
  const wallIso = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  if (utc)
    return {
      ms: floatingOf({ kind: 'timed', start: new Date(`${wallIso}Z`), timeZone: zone }).getTime(),
      dateOnly: false,
    };
  if (tzid && tzid !== zone) {
    const instant = DateTime.fromISO(wallIso, { zone: tzid }).toJSDate();
    return { ms: floatingOf({ kind: 'timed', start: instant, timeZone: zone }).getTime(), dateOnly: false };
  }
  return { ms: Date.parse(`${wallIso}Z`), dateOnly: false };
}
