/**
 * iTIP over iMIP for the emulators (RFC 5546 methods, RFC 6047 transport): one VCALENDAR with a
 * METHOD, built with ical.js (+ timezones-ical-library for each VTIMEZONE) and parsed with
 * ical.js. Provider-neutral: each emulator maps its own event shape to `ImipEvent` and back.
 * Emulators must not import src/, so this is their own small codec.
 */
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';

export type ImipMethod = 'REQUEST' | 'REPLY' | 'CANCEL' | 'COUNTER';
export type PartStat = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';

export type ImipTime =
  | { kind: 'timed'; start: Date; end: Date; timeZone: string }
  | { kind: 'allDay'; startDate: string; endDate: string };

/** An occurrence's original start (RECURRENCE-ID): an instant, or a date in an all-day series. */
export type ImipRecurrenceId =
  { kind: 'timed'; at: Date; timeZone: string } | { kind: 'allDay'; date: string };

export interface ImipPerson {
  email: string;
  name?: string | undefined;
}

export interface ImipAttendee extends ImipPerson {
  partstat: PartStat;
  role?: 'REQ-PARTICIPANT' | 'OPT-PARTICIPANT' | 'NON-PARTICIPANT' | undefined;
  rsvp?: boolean | undefined;
}

export interface ImipEvent {
  uid: string;
  sequence: number;
  status: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
  summary?: string | undefined;
  description?: string | undefined;
  location?: string | undefined;
  url?: string | undefined;
  time: ImipTime;
  /** RRULE / EXDATE / RDATE lines, as Google's `recurrence` holds them. */
  recurrence?: string[] | undefined;
  recurrenceId?: ImipRecurrenceId | undefined;
  organizer: ImipPerson;
  attendees: ImipAttendee[];
  /** The answer's note (REPLY / COUNTER). */
  comment?: string | undefined;
  transparent?: boolean | undefined;
}

export interface ImipCalendar {
  method: ImipMethod;
  events: ImipEvent[];
}

export class ImipParseError extends Error {}

const METHODS: ImipMethod[] = ['REQUEST', 'REPLY', 'CANCEL', 'COUNTER'];
const PARTSTATS: PartStat[] = ['NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE'];

// ─── building ───────────────────────────────────────────────────────────────

export function buildImip(method: ImipMethod, events: ImipEvent[], now: Date): string {
  const vcalendar = new ICAL.Component('vcalendar');
  vcalendar.addPropertyWithValue('prodid', '-//Tandem emulators//iMIP//EN');
  vcalendar.addPropertyWithValue('version', '2.0');
  vcalendar.addPropertyWithValue('calscale', 'GREGORIAN');
  vcalendar.addPropertyWithValue('method', method);
  const zones = new Set<string>();
  for (const event of events) {
    if (event.time.kind === 'timed' && zoneOrUtc(event.time.timeZone) !== 'UTC')
      zones.add(event.time.timeZone);
  }
  for (const zone of zones) {
    const block = tzlib_get_ical_block(zone);
    const text = Array.isArray(block) ? block[0] : undefined;
    if (text) vcalendar.addSubcomponent(new ICAL.Component(ICAL.parse(text) as unknown[]));
  }
  for (const event of events) vcalendar.addSubcomponent(buildVevent(event, now));
  return vcalendar.toString();
}

function buildVevent(event: ImipEvent, now: Date): ICAL.Component {
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', event.uid);
  vevent.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(wholeSeconds(now), true));
  vevent.addPropertyWithValue('sequence', event.sequence);
  if (event.recurrenceId) vevent.addProperty(recurrenceIdProperty(event.recurrenceId));
  vevent.addProperty(timeProperty('dtstart', event.time, 'start'));
  vevent.addProperty(timeProperty('dtend', event.time, 'end'));
  for (const line of event.recurrence ?? []) vevent.addProperty(ICAL.Property.fromString(line.trim()));
  if (event.summary) vevent.addPropertyWithValue('summary', event.summary);
  if (event.description) vevent.addPropertyWithValue('description', event.description);
  if (event.location) vevent.addPropertyWithValue('location', event.location);
  if (event.url) vevent.addPropertyWithValue('url', event.url);
  vevent.addPropertyWithValue('status', event.status);
  vevent.addPropertyWithValue('transp', event.transparent ? 'TRANSPARENT' : 'OPAQUE');
  const organizer = new ICAL.Property('organizer');
  organizer.setValue(`mailto:${event.organizer.email}`);
  if (event.organizer.name) organizer.setParameter('cn', event.organizer.name);
  vevent.addProperty(organizer);
  for (const attendee of event.attendees) {
    const property = new ICAL.Property('attendee');
    property.setValue(`mailto:${attendee.email}`);
    if (attendee.name) property.setParameter('cn', attendee.name);
    property.setParameter('role', attendee.role ?? 'REQ-PARTICIPANT');
    property.setParameter('partstat', attendee.partstat);
    if (attendee.rsvp) property.setParameter('rsvp', 'TRUE');
    vevent.addProperty(property);
  }
  if (event.comment) vevent.addPropertyWithValue('comment', event.comment);
  return vevent;
}

function timeProperty(name: string, time: ImipTime, which: 'start' | 'end'): ICAL.Property {
  if (time.kind === 'allDay') return dateOnly(name, which === 'start' ? time.startDate : time.endDate);
  return instant(name, which === 'start' ? time.start : time.end, time.timeZone);
}

function recurrenceIdProperty(id: ImipRecurrenceId): ICAL.Property {
  return id.kind === 'allDay'
    ? dateOnly('recurrence-id', id.date)
    : instant('recurrence-id', id.at, id.timeZone);
}

function dateOnly(name: string, date: string): ICAL.Property {
  const property = new ICAL.Property(name);
  property.resetType('date');
  property.setValue(ICAL.Time.fromDateString(date));
  return property;
}

/** A local time with TZID (and a VTIMEZONE in the calendar), or UTC when the zone is unknown. */
function instant(name: string, at: Date, timeZone: string): ICAL.Property {
  const property = new ICAL.Property(name);
  const zone = zoneOrUtc(timeZone);
  if (zone === 'UTC') {
    property.setValue(ICAL.Time.fromJSDate(wholeSeconds(at), true));
    return property;
  }
  const local = DateTime.fromJSDate(at, { zone });
  property.setValue(
    ICAL.Time.fromData({
      year: local.year,
      month: local.month,
      day: local.day,
      hour: local.hour,
      minute: local.minute,
      second: local.second,
      isDate: false,
    }),
  );
  property.setParameter('tzid', zone);
  return property;
}

/** An IANA zone both luxon and the VTIMEZONE library know, else UTC. */
function zoneOrUtc(timeZone: string): string {
  if (!timeZone || timeZone.toUpperCase() === 'UTC' || timeZone === 'Etc/UTC') return 'UTC';
  if (!DateTime.now().setZone(timeZone).isValid) return 'UTC';
  const block = tzlib_get_ical_block(timeZone);
  return Array.isArray(block) && block[0] ? timeZone : 'UTC';
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

// ─── parsing ────────────────────────────────────────────────────────────────

export function parseImip(text: string): ImipCalendar {
  let vcalendar: ICAL.Component;
  try {
    vcalendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch (error) {
    throw new ImipParseError(`not iCalendar: ${(error as Error).message}`);
  }
  if (vcalendar.name !== 'vcalendar') throw new ImipParseError('no VCALENDAR');
  const method = String(vcalendar.getFirstPropertyValue('method') ?? '').toUpperCase() as ImipMethod;
  if (!METHODS.includes(method)) throw new ImipParseError(`unsupported METHOD ${method || '(none)'}`);
  const events = vcalendar.getAllSubcomponents('vevent').map(readVevent);
  if (events.length === 0) throw new ImipParseError('no VEVENT');
  return { method, events };
}

function readVevent(vevent: ICAL.Component): ImipEvent {
  const uid = stringValue(vevent, 'uid');
  if (!uid) throw new ImipParseError('VEVENT without UID');
  const organizerValue = stringValue(vevent, 'organizer');
  if (!organizerValue) throw new ImipParseError('VEVENT without ORGANIZER');
  const organizerProperty = vevent.getFirstProperty('organizer');
  const startProperty = vevent.getFirstProperty('dtstart');
  if (!startProperty) throw new ImipParseError('VEVENT without DTSTART');
  const start = readTime(startProperty);
  const endProperty = vevent.getFirstProperty('dtend');
  const end = endProperty ? readTime(endProperty) : defaultEnd(vevent, start);
  const status = (stringValue(vevent, 'status') ?? 'CONFIRMED').toUpperCase();
  const recurrenceIdProperty = vevent.getFirstProperty('recurrence-id');
  const recurrenceId = recurrenceIdProperty ? readTime(recurrenceIdProperty) : undefined;
  const recurrence = ['rrule', 'exdate', 'rdate'].flatMap((name) =>
    vevent.getAllProperties(name).map((property) => property.toICALString()),
  );
  const sequence = Number(vevent.getFirstPropertyValue('sequence') ?? 0);
  return {
    uid,
    sequence: Number.isFinite(sequence) ? sequence : 0,
    status: status === 'CANCELLED' || status === 'TENTATIVE' ? status : 'CONFIRMED',
    summary: stringValue(vevent, 'summary'),
    description: stringValue(vevent, 'description'),
    location: stringValue(vevent, 'location'),
    url: stringValue(vevent, 'url'),
    time:
      start.kind === 'allDay' && end.kind === 'allDay'
        ? { kind: 'allDay', startDate: start.date, endDate: end.date }
        : {
            kind: 'timed',
            start: asInstant(start),
            end: asInstant(end),
            timeZone: start.kind === 'timed' ? start.timeZone : 'UTC',
          },
    recurrence: recurrence.length > 0 ? recurrence : undefined,
    recurrenceId:
      recurrenceId?.kind === 'timed'
        ? { kind: 'timed', at: recurrenceId.at, timeZone: recurrenceId.timeZone }
        : recurrenceId
          ? { kind: 'allDay', date: recurrenceId.date }
          : undefined,
    organizer: { email: mailtoAddress(organizerValue), name: cn(organizerProperty) },
    attendees: vevent.getAllProperties('attendee').map(readAttendee),
    comment: stringValue(vevent, 'comment'),
    transparent: (stringValue(vevent, 'transp') ?? '').toUpperCase() === 'TRANSPARENT',
  };
}

type ReadTime = { kind: 'timed'; at: Date; timeZone: string } | { kind: 'allDay'; date: string };

/** A DATE, a UTC DATE-TIME, a TZID local time (IANA zones through luxon), or floating (read as UTC). */
function readTime(property: ICAL.Property): ReadTime {
  const value = property.getFirstValue() as ICAL.Time | null;
  if (!value || typeof value !== 'object') throw new ImipParseError(`unreadable ${property.name}`);
  if (value.isDate) return { kind: 'allDay', date: value.toString().slice(0, 10) };
  const parts = {
    year: value.year,
    month: value.month,
    day: value.day,
    hour: value.hour,
    minute: value.minute,
    second: value.second,
  };
  const tzid = property.getParameter('tzid');
  if (typeof tzid === 'string' && tzid) {
    const local = DateTime.fromObject(parts, { zone: tzid });
    if (local.isValid) return { kind: 'timed', at: local.toJSDate(), timeZone: tzid };
  }
  return { kind: 'timed', at: DateTime.fromObject(parts, { zone: 'utc' }).toJSDate(), timeZone: 'UTC' };
}

function defaultEnd(vevent: ICAL.Component, start: ReadTime): ReadTime {
  const duration = vevent.getFirstPropertyValue('duration') as ICAL.Duration | null;
  if (start.kind === 'allDay') {
    const days = duration ? Math.max(1, Math.round(duration.toSeconds() / 86400)) : 1;
    return { kind: 'allDay', date: DateTime.fromISO(start.date).plus({ days }).toISODate() ?? start.date };
  }
  const seconds = duration ? duration.toSeconds() : 0;
  return { ...start, at: new Date(start.at.getTime() + seconds * 1000) };
}

function asInstant(time: ReadTime): Date {
  return time.kind === 'timed' ? time.at : DateTime.fromISO(time.date, { zone: 'utc' }).toJSDate();
}

function readAttendee(property: ICAL.Property): ImipAttendee {
  const partstat = String(property.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase() as PartStat;
  const role = property.getParameter('role');
  return {
    email: mailtoAddress(String(property.getFirstValue() ?? '')),
    name: cn(property),
    partstat: PARTSTATS.includes(partstat) ? partstat : 'NEEDS-ACTION',
    role:
      role === 'OPT-PARTICIPANT' || role === 'NON-PARTICIPANT' || role === 'REQ-PARTICIPANT'
        ? role
        : undefined,
    rsvp: String(property.getParameter('rsvp') ?? '').toUpperCase() === 'TRUE',
  };
}

function cn(property: ICAL.Property | null): string | undefined {
  const value = property?.getParameter('cn');
  return typeof value === 'string' && value ? value : undefined;
}

function stringValue(component: ICAL.Component, name: string): string | undefined {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined || value === '' ? undefined : String(value);
}

/** `mailto:Someone@Example.test` → `someone@example.test`. */
export function mailtoAddress(value: string): string {
  return value
    .replace(/^mailto:/i, '')
    .trim()
    .toLowerCase();
}
