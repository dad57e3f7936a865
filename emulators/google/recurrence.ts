/**
 * Expands a recurring master into its instances' original starts, honouring RRULE, EXDATE and
 * RDATE in the event's own time zone (09:00 Europe/London stays 09:00 local across DST).
 *
 * rrule.js computes in "floating" time: we feed it wall-clock times written as UTC fields and
 * convert each result back from wall-clock in the event's zone, which avoids its TZID quirks.
 */
import { DateTime } from 'luxon';
import rrulePackage from 'rrule';

// rrule ships CommonJS to Node (no "exports" map): take the named classes from its default export.
const { RRule, RRuleSet, rrulestr } = rrulePackage;
type RRuleSet = InstanceType<typeof RRuleSet>;
import { formatRfc3339 } from './event-time';
import type { GDateTime, GEvent } from './types';

/** Safety cap: unbounded rules are expanded at most this far and this many times. */
const MAX_INSTANCES = 5000;

export interface Occurrence {
  /** The instance's original start, in the shape Google uses for `originalStartTime`. */
  originalStart: GDateTime;
  startMs: number;
}

export class RecurrenceError extends Error {}

/** Occurrences whose start lies in [fromMs, toMs]; `zone` is used for all-day and floating values. */
export function expandOccurrences(
  master: GEvent,
  calendarZone: string,
  fromMs: number,
  toMs: number,
): Occurrence[] {
  const allDay = master.start.date !== undefined;
  const zone = allDay ? 'UTC' : (master.start.timeZone ?? calendarZone);
  const startLocal = allDay
    ? DateTime.fromISO(master.start.date ?? '', { zone: 'UTC' })
    : DateTime.fromMillis(Date.parse(master.start.dateTime ?? ''), { zone });
  if (!startLocal.isValid) throw new RecurrenceError('Invalid start time.');
  const set = buildRuleSet(master.recurrence ?? [], floating(startLocal), zone, allDay);

  // Pad the floating bounds by a day: offsets are at most ±14 h.
  const day = 86_400_000;
  const fromFloating = new Date(floatingMs(fromMs, zone) - day);
  const toFloating = new Date(floatingMs(toMs, zone) + day);
  const results: Occurrence[] = [];
  set.between(fromFloating, toFloating, true, (date) => {
    const local = DateTime.fromObject(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
        second: date.getUTCSeconds(),
      },
      { zone },
    );
    const startMs = allDay
      ? DateTime.fromISO(local.toISODate() ?? '', { zone: calendarZone }).toMillis()
      : local.toMillis();
    if (startMs >= fromMs && startMs <= toMs) {
      results.push({
        startMs,
        originalStart: allDay
          ? { date: local.toISODate() ?? '' }
          : { dateTime: formatRfc3339(local.toMillis(), zone), timeZone: zone },
      });
    }
    return results.length < MAX_INSTANCES;
  });
  return results;
}

/** Checks the recurrence lines parse; returns a message for a 400 when they don't. */
export function validateRecurrence(lines: string[]): string | null {
  if (
    !lines.some((line) => line.toUpperCase().startsWith('RRULE:') || line.toUpperCase().startsWith('RDATE'))
  ) {
    return 'Invalid recurrence rule.';
  }
  try {
    buildRuleSet(lines, new Date(Date.UTC(2030, 0, 1, 9)), 'UTC', false);
    return null;
  } catch {
    return 'Invalid recurrence rule.';
  }
}

function buildRuleSet(lines: string[], dtstart: Date, zone: string, allDay: boolean): RRuleSet {
  const set = new RRuleSet();
  for (const raw of lines) {
    const line = raw.trim();
    const upper = line.toUpperCase();
    if (upper.startsWith('RRULE:')) {
      const rule = rrulestr(untilToFloating(line, zone), { dtstart });
      if (!(rule instanceof RRule)) throw new RecurrenceError('Invalid recurrence rule.');
      set.rrule(rule);
    } else if (upper.startsWith('EXDATE')) {
      for (const date of parseDateList(line, zone, allDay, dtstart)) set.exdate(date);
    } else if (upper.startsWith('RDATE')) {
      for (const date of parseDateList(line, zone, allDay, dtstart)) set.rdate(date);
    } else {
      throw new RecurrenceError(`Unsupported recurrence line: ${line}`);
    }
  }
  return set;
}

/** `UNTIL=…Z` is an instant; in floating time it must become the wall-clock time in `zone`. */
function untilToFloating(line: string, zone: string): string {
  return line.replace(/UNTIL=(\d{8}T\d{6})Z/i, (_whole, value: string) => {
    const instant = DateTime.fromFormat(value, "yyyyMMdd'T'HHmmss", { zone: 'UTC' }).setZone(zone);
    return `UNTIL=${instant.toFormat("yyyyMMdd'T'HHmmss")}Z`;
  });
}

/** `EXDATE;TZID=Europe/London:20300617T100000,…`, `EXDATE:20300617T080000Z`, `EXDATE;VALUE=DATE:20300617`. */
function parseDateList(line: string, zone: string, allDay: boolean, dtstart: Date): Date[] {
  const colon = line.indexOf(':');
  if (colon < 0) throw new RecurrenceError('Invalid recurrence rule.');
  const params = line.slice(0, colon).split(';').slice(1);
  const tzid = params.find((param) => param.toUpperCase().startsWith('TZID='))?.slice(5);
  return line
    .slice(colon + 1)
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean)
    .map((value) => {
      let local: DateTime;
      if (/^\d{8}$/.test(value)) {
        // A date-only exception on a timed series removes the instance of that day.
        local = DateTime.fromFormat(value, 'yyyyMMdd', { zone }).set(
          allDay
            ? {}
            : {
                hour: dtstart.getUTCHours(),
                minute: dtstart.getUTCMinutes(),
                second: dtstart.getUTCSeconds(),
              },
        );
      } else if (/^\d{8}T\d{6}Z$/.test(value)) {
        local = DateTime.fromFormat(value.slice(0, 15), "yyyyMMdd'T'HHmmss", { zone: 'UTC' }).setZone(zone);
      } else if (/^\d{8}T\d{6}$/.test(value)) {
        local = DateTime.fromFormat(value, "yyyyMMdd'T'HHmmss", { zone: tzid ?? zone }).setZone(zone);
      } else {
        throw new RecurrenceError('Invalid recurrence rule.');
      }
      if (!local.isValid) throw new RecurrenceError('Invalid recurrence rule.');
      return floating(local);
    });
}

/** Wall-clock fields of `local` written as a UTC Date (rrule.js "floating" time). */
function floating(local: DateTime): Date {
  return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
}

function floatingMs(ms: number, zone: string): number {
  return floating(DateTime.fromMillis(ms, { zone })).getTime();
}
