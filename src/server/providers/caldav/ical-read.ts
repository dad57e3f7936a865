import ICAL from 'ical.js';
import { ProviderProtocolError } from '../errors';
import type { EventTime } from '../types';
import { addDays, isoDate, readDateValue, ZoneResolver, type DateValue } from './ical-times';

/** Reading iCalendar: objects, times and property values. What they mean as events: event-mapping.ts. */

/** One calendar object resource, parsed: the series master (if any) and its overrides. */
export interface ParsedObject {
  vcalendar: ICAL.Component;
  zones: ZoneResolver;
  master: ICAL.Component | null;
  overrides: ICAL.Component[];
}

export function parseObject(text: string): ParsedObject {
  const vcalendar = new ICAL.Component(parseICalendar(text));
  const vevents = vcalendar.getAllSubcomponents('vevent');
  return {
    vcalendar,
    zones: new ZoneResolver(vcalendar),
    master: vevents.find((vevent) => !vevent.hasProperty('recurrence-id')) ?? null,
    overrides: vevents.filter((vevent) => vevent.hasProperty('recurrence-id')),
  };
}

/** ical.js throws its own ParserError on text that is not iCalendar: the server sent us that. */
function parseICalendar(text: string): ReturnType<typeof ICAL.parse> {
  try {
    return ICAL.parse(text);
  } catch (error) {
    throw new ProviderProtocolError(
      `unreadable iCalendar: ${error instanceof Error ? error.message : String(error)}`,
      undefined,
      { cause: error },
    );
  }
}

/** Start, end and zone of a VEVENT. A missing DTEND means one day (dates) or zero length (times). */
export function eventTimeOf(vevent: ICAL.Component, zones: ZoneResolver): EventTime {
  const start = readDateValue(requiredProperty(vevent, 'dtstart'));
  const endProperty = vevent.getFirstProperty('dtend');
  const durationValue = vevent.getFirstPropertyValue('duration');
  if (start.isDate) {
    const startDate = isoDate(start.wall);
    let endDate = addDays(startDate, 1);
    if (endProperty) endDate = isoDate(readDateValue(endProperty).wall);
    else if (durationValue instanceof ICAL.Duration)
      endDate = addDays(startDate, Math.max(1, Math.round(durationValue.toSeconds() / 86_400)));
    return { kind: 'allDay', startDate, endDate };
  }
  const startMs = zones.valueToInstant(start);
  let endMs = startMs;
  if (endProperty) endMs = zones.valueToInstant(readDateValue(endProperty));
  else if (durationValue instanceof ICAL.Duration) endMs = startMs + durationValue.toSeconds() * 1000;
  return {
    kind: 'timed',
    start: new Date(startMs),
    end: new Date(Math.max(endMs, startMs)),
    timeZone: reportedZone(start, zones),
  };
}

export function reportedZone(value: DateValue, zones: ZoneResolver): string | null {
  if (value.utc) return 'UTC';
  return zones.ianaOf(value.tzid);
}

/** The RECURRENCE-ID of an override as an instant (ms) and whether it is a date. */
export function recurrenceIdOf(
  vevent: ICAL.Component,
  zones: ZoneResolver,
): { instant: number; value: DateValue } {
  const value = readDateValue(requiredProperty(vevent, 'recurrence-id'));
  return { instant: zones.valueToInstant(value), value };
}

export function daysBetween(startDate: string, endDate: string): number {
  return Math.round((Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000);
}

/** `mailto:Ann@Example.org` → `Ann@Example.org`; other URIs as they are. */
export function addressOf(property: ICAL.Property): string | null {
  const value = property.getFirstValue();
  if (typeof value !== 'string' || value.length === 0) return null;
  return value.replace(/^mailto:/i, '');
}

export function parameterOf(property: ICAL.Property, name: string): string | null {
  const value = property.getParameter(name);
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : null;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function textOf(vevent: ICAL.Component, name: string): string | null {
  const value = vevent.getFirstPropertyValue(name);
  if (value === null || value === undefined) return null;
  const text = String(value);
  return text.length > 0 ? text : null;
}

function requiredProperty(vevent: ICAL.Component, name: string): ICAL.Property {
  const property = vevent.getFirstProperty(name);
  if (!property) throw new ProviderProtocolError(`VEVENT without ${name.toUpperCase()}`);
  return property;
}
