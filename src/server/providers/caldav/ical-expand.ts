import ICAL from 'ical.js';
import type { EventTime, ProviderEvent, TimeWindow } from '../types';
import { eventFromVevent, type ReadContext } from './event-mapping';
import { eventTimeOf, recurrenceIdOf, type ParsedObject } from './ical-read';
import { addDays, isoDate, readDateValue } from './ical-times';
import { instanceId, recurrenceKeyOf } from './ids';
import { wallFromNaiveMs, wallToNaiveMs } from './time-zones';

/**
 * Expands one calendar object into the events a calendar view shows in a window: single events
 * as they are, series into instances (EXDATEs left out, overrides in place of their slot,
 * cancelled overrides left out).
 *
 * Recurrence rules are walked in the series' local wall time (so 09:00 stays 09:00 across a DST
 * change) with ical.js on floating times, and each occurrence is turned into an instant with the
 * series' zone; ical.js never sees the zone, so its own (possibly missing) tz data cannot skew it.
 */

/** Safety net against rules that never reach the window (e.g. minutely since 1970). */
const MAX_OCCURRENCES = 100_000;

export function expandObject(
  parsed: ParsedObject,
  context: ReadContext,
  window: TimeWindow,
): ProviderEvent[] {
  const { master, overrides, zones } = parsed;
  const results: ProviderEvent[] = [];
  const overrideKeys = new Set<number>();
  for (const override of overrides) {
    overrideKeys.add(recurrenceIdOf(override, zones).instant);
    const event = eventFromVevent(override, parsed, context);
    if (event.status !== 'cancelled' && overlaps(event.time, window)) results.push(event);
  }
  if (!master) return results;

  const masterEvent = eventFromVevent(master, parsed, context);
  if (!masterEvent.recurrence) {
    if (overlaps(masterEvent.time, window)) results.push(masterEvent);
    return results;
  }
  for (const start of occurrenceStarts(parsed, master, window)) {
    if (overrideKeys.has(start)) continue;
    const time = shifted(masterEvent.time, start);
    if (!overlaps(time, window)) continue;
    results.push({
      ...masterEvent,
      externalId: instanceId(context.objectName, recurrenceKeyOf(start, time.kind === 'allDay')),
      time,
      recurrence: null,
      seriesExternalId: context.objectName,
      originalStart: time,
    });
  }
  return results;
}

/** Instants (ms; UTC midnight for dates) of the series' occurrences up to the window's end. */
export function occurrenceStarts(parsed: ParsedObject, master: ICAL.Component, window: TimeWindow): number[] {
  const { zones } = parsed;
  const dtstartProperty = master.getFirstProperty('dtstart');
  if (!dtstartProperty) return [];
  const dtstart = readDateValue(dtstartProperty);
  const toInstant = (wall: ICAL.Time): number =>
    dtstart.isDate
      ? wallToNaiveMs({ ...wallOf(wall), hour: 0, minute: 0, second: 0 })
      : zones.toInstant(wallOf(wall), dtstart.tzid, dtstart.utc);
  const length = seriesLength(eventTimeOf(master, zones));
  const excluded = new Set<number>();
  // A date-only EXDATE on a timed series takes out that day's occurrence, whatever its time (as
  // the mirror's expansion does): some clients write them so.
  const excludedDates = new Set<string>();
  for (const property of master.getAllProperties('exdate')) {
    for (const value of property.getValues() as ICAL.Time[]) {
      const exdate = readDateValue(property, value);
      if (exdate.isDate && !dtstart.isDate) excludedDates.add(isoDate(exdate.wall));
      else excluded.add(zones.valueToInstant(exdate));
    }
  }
  const isExcluded = (start: number): boolean =>
    excluded.has(start) ||
    (excludedDates.size > 0 && excludedDates.has(isoDate(zones.toWall(start, dtstart.tzid, dtstart.utc))));
  const starts = new Set<number>([toInstant(floating(dtstart.wall, dtstart.isDate))]);

  for (const property of master.getAllProperties('rrule')) {
    const rule = (property.getFirstValue() as ICAL.Recur).clone();
    if (rule.until && !rule.until.isDate) {
      // UNTIL is usually UTC; compare it in the series' wall time, where the walk happens.
      const untilValue = readDateValue(property, rule.until);
      const untilInstant = zones.valueToInstant({ ...untilValue, tzid: untilValue.tzid ?? dtstart.tzid });
      rule.until = floating(zones.toWall(untilInstant, dtstart.tzid, dtstart.utc), false);
    }
    const iterator = rule.iterator(floating(dtstart.wall, dtstart.isDate));
    for (let count = 0; count < MAX_OCCURRENCES; count += 1) {
      const next = iterator.next();
      if (!next) break;
      const instant = toInstant(next);
      if (instant >= window.end.getTime()) break;
      if (instant + length > window.start.getTime() || instant === window.start.getTime())
        starts.add(instant);
    }
  }
  for (const property of master.getAllProperties('rdate')) {
    for (const value of property.getValues()) {
      if (value instanceof ICAL.Time) starts.add(zones.valueToInstant(readDateValue(property, value)));
    }
  }
  return [...starts].filter((start) => !isExcluded(start)).sort((a, b) => a - b);
}

function seriesLength(time: EventTime): number {
  return time.kind === 'timed'
    ? time.end.getTime() - time.start.getTime()
    : Date.parse(`${time.endDate}T00:00:00Z`) - Date.parse(`${time.startDate}T00:00:00Z`);
}

/** The master's time moved to start at `start`, keeping its exact length. */
function shifted(time: EventTime, start: number): EventTime {
  if (time.kind === 'timed') {
    return {
      ...time,
      start: new Date(start),
      end: new Date(start + time.end.getTime() - time.start.getTime()),
    };
  }
  const startDate = isoDate(wallFromNaiveMs(start));
  const days = Math.round(
    (Date.parse(`${time.endDate}T00:00:00Z`) - Date.parse(`${time.startDate}T00:00:00Z`)) / 86_400_000,
  );
  return { kind: 'allDay', startDate, endDate: addDays(startDate, days) };
}

export function overlaps(time: EventTime, window: TimeWindow): boolean {
  const start = time.kind === 'timed' ? time.start.getTime() : Date.parse(`${time.startDate}T00:00:00Z`);
  const end = time.kind === 'timed' ? time.end.getTime() : Date.parse(`${time.endDate}T00:00:00Z`);
  const from = window.start.getTime();
  const to = window.end.getTime();
  // A zero-length event at the window's start still belongs to it.
  return start < to && (end > from || (start === end && start >= from));
}

function floating(
  wall: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  isDate: boolean,
): ICAL.Time {
  return ICAL.Time.fromData({ ...wall, isDate });
}

function wallOf(time: ICAL.Time) {
  return {
    year: time.year,
    month: time.month,
    day: time.day,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
  };
}
