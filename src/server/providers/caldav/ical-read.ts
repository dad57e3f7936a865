import ICAL from 'ical.js';
import { ProviderProtocolError } from '../errors';
import type { AttendeeResponse, EventTime, ProviderAttendee, ProviderEvent, ShowAs } from '../types';
import { addDays, isoDate, readDateValue, ZoneResolver, type DateValue } from './ical-times';
import { instanceId, recurrenceKeyOf } from './ids';

/** One calendar object resource, parsed: the series master (if any) and its overrides. */
export interface ParsedObject {
  vcalendar: ICAL.Component;
  zones: ZoneResolver;
  master: ICAL.Component | null;
  overrides: ICAL.Component[];
}

/** Who is reading: decides `isSelf` on attendees. */
export interface ReadContext {
  objectName: string;
  etag: string | null;
  /** The account's own addresses (lower case, without `mailto:`). */
  selfAddresses: string[];
}

export const TAG_PROPERTY = 'x-tandem-meeting-id';

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
    throw new ProviderProtocolError(`unreadable iCalendar: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
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
    else if (durationValue instanceof ICAL.Duration) endDate = addDays(startDate, Math.max(1, Math.round(durationValue.toSeconds() / 86_400)));
    return { kind: 'allDay', startDate, endDate };
  }
  const startMs = zones.valueToInstant(start);
  let endMs = startMs;
  if (endProperty) endMs = zones.valueToInstant(readDateValue(endProperty));
  else if (durationValue instanceof ICAL.Duration) endMs = startMs + durationValue.toSeconds() * 1000;
  return { kind: 'timed', start: new Date(startMs), end: new Date(Math.max(endMs, startMs)), timeZone: reportedZone(start, zones) };
}

export function reportedZone(value: DateValue, zones: ZoneResolver): string | null {
  if (value.utc) return 'UTC';
  return zones.ianaOf(value.tzid);
}

/** The RECURRENCE-ID of an override as an instant (ms) and whether it is a date. */
export function recurrenceIdOf(vevent: ICAL.Component, zones: ZoneResolver): { instant: number; value: DateValue } {
  const value = readDateValue(requiredProperty(vevent, 'recurrence-id'));
  return { instant: zones.valueToInstant(value), value };
}

export function eventFromVevent(
  vevent: ICAL.Component,
  parsed: ParsedObject,
  context: ReadContext,
): ProviderEvent {
  const time = eventTimeOf(vevent, parsed.zones);
  const organizer = vevent.getFirstProperty('organizer');
  const organizerEmail = organizer ? addressOf(organizer) : null;
  const attendees = vevent.getAllProperties('attendee').map((property) => attendeeOf(property, organizerEmail, context));
  const transparency = textOf(vevent, 'transp')?.toUpperCase() === 'TRANSPARENT' ? 'transparent' : 'opaque';
  const status = statusOf(textOf(vevent, 'status'));
  const isOverride = vevent.hasProperty('recurrence-id');
  const recurrenceLines = ['rrule', 'rdate', 'exdate'].flatMap((name) =>
    vevent.getAllProperties(name).map((property) => property.toICALString()),
  );

  let externalId = context.objectName;
  let originalStart: EventTime | null = null;
  if (isOverride) {
    const { instant, value } = recurrenceIdOf(vevent, parsed.zones);
    externalId = instanceId(context.objectName, recurrenceKeyOf(instant, value.isDate));
    originalStart = originalStartOf(instant, value, parsed);
  }
  const sequence = vevent.getFirstPropertyValue('sequence');
  const updated = vevent.getFirstPropertyValue('last-modified') ?? vevent.getFirstPropertyValue('dtstamp');

  return {
    externalId,
    iCalUid: textOf(vevent, 'uid'),
    etag: context.etag,
    status,
    title: textOf(vevent, 'summary'),
    description: textOf(vevent, 'description'),
    location: textOf(vevent, 'location'),
    onlineUrl: textOf(vevent, 'url') ?? textOf(vevent, 'conference'),
    time,
    recurrence: !isOverride && recurrenceLines.length > 0 ? recurrenceLines : null,
    seriesExternalId: isOverride ? context.objectName : null,
    originalStart,
    transparency,
    showAs: showAsOf(vevent, transparency, status),
    organizer: organizer && organizerEmail ? { email: organizerEmail, name: parameterOf(organizer, 'cn') } : null,
    attendees,
    sequence: typeof sequence === 'number' ? sequence : null,
    updatedAt: updated instanceof ICAL.Time ? updated.toJSDate() : null,
    tandemMeetingId: textOf(vevent, TAG_PROPERTY),
  };
}

/** The slot an override replaces, with the series' length (or its own when the master is missing). */
function originalStartOf(instant: number, value: DateValue, parsed: ParsedObject): EventTime {
  const masterTime = parsed.master ? eventTimeOf(parsed.master, parsed.zones) : null;
  if (value.isDate) {
    const startDate = isoDate(value.wall);
    const days = masterTime?.kind === 'allDay' ? daysBetween(masterTime.startDate, masterTime.endDate) : 1;
    return { kind: 'allDay', startDate, endDate: addDays(startDate, days) };
  }
  const length = masterTime?.kind === 'timed' ? masterTime.end.getTime() - masterTime.start.getTime() : 0;
  return { kind: 'timed', start: new Date(instant), end: new Date(instant + length), timeZone: reportedZone(value, parsed.zones) };
}

export function daysBetween(startDate: string, endDate: string): number {
  return Math.round((Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000);
}

function attendeeOf(property: ICAL.Property, organizerEmail: string | null, context: ReadContext): ProviderAttendee {
  const email = addressOf(property) ?? '';
  return {
    email,
    name: parameterOf(property, 'cn'),
    response: responseOf(parameterOf(property, 'partstat')),
    isOrganizer: organizerEmail !== null && email.toLowerCase() === organizerEmail.toLowerCase(),
    isOptional: ['OPT-PARTICIPANT', 'NON-PARTICIPANT'].includes((parameterOf(property, 'role') ?? '').toUpperCase()),
    isSelf: context.selfAddresses.includes(email.toLowerCase()),
  };
}

const RESPONSES: Record<string, AttendeeResponse> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
};

function responseOf(partstat: string | null): AttendeeResponse {
  return RESPONSES[(partstat ?? '').toUpperCase()] ?? 'needs_action';
}

function statusOf(status: string | null): ProviderEvent['status'] {
  const upper = (status ?? '').toUpperCase();
  if (upper === 'CANCELLED') return 'cancelled';
  if (upper === 'TENTATIVE') return 'tentative';
  return 'confirmed';
}

/** Outlook and iCloud carry a finer busy status in X-MICROSOFT-CDO-BUSYSTATUS; TRANSP and STATUS otherwise. */
function showAsOf(vevent: ICAL.Component, transparency: 'opaque' | 'transparent', status: ProviderEvent['status']): ShowAs {
  const busyStatus = (textOf(vevent, 'x-microsoft-cdo-busystatus') ?? '').toUpperCase();
  if (busyStatus === 'OOF') return 'oof';
  if (busyStatus === 'WORKINGELSEWHERE') return 'working_elsewhere';
  if (transparency === 'transparent' || busyStatus === 'FREE') return 'free';
  if (status === 'tentative' || busyStatus === 'TENTATIVE') return 'tentative';
  return 'busy';
}

/** `mailto:Ann@Example.org` → `Ann@Example.org`; other URIs as they are. */
export function addressOf(property: ICAL.Property): string | null {
  const value = property.getFirstValue();
  if (typeof value !== 'string' || value.length === 0) return null;
  return value.replace(/^mailto:/i, '');
}

function parameterOf(property: ICAL.Property, name: string): string | null {
  const value = property.getParameter(name);
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : null;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function textOf(vevent: ICAL.Component, name: string): string | null {
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
