import ICAL from 'ical.js';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { AttendeeResponseValue } from '@/server/db/schema';

/**
 * iTIP objects (RFC 5546) for iMIP email (RFC 6047): the VCALENDAR of an invitation (REQUEST), a
 * cancellation (CANCEL) or an answer (REPLY). UID stays the meeting's for its whole life and
 * SEQUENCE is the meeting's, so a receiving calendar applies each message to the one event and
 * ignores older ones. Times are in the meeting's zone with its VTIMEZONE (timezones-ical-library),
 * as calendars show the organiser's zone best that way; UTC when the zone has no VTIMEZONE.
 */

export type ItipBuildMethod = 'REQUEST' | 'CANCEL' | 'REPLY';

export interface ItipMeeting {
  id: string;
  icalUid: string;
  sequence: number;
  title: string;
  description: string | null;
  location: string | null;
  onlineUrl: string | null;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  recurrence: string[] | null;
}

export interface ItipPerson {
  email: string;
  name: string | null;
}

export interface ItipAttendee extends ItipPerson {
  response: AttendeeResponseValue;
  isOptional: boolean;
  comment?: string | null;
}

export interface ItipInput {
  method: ItipBuildMethod;
  meeting: ItipMeeting;
  organizer: ItipPerson;
  /** Everyone invited (REQUEST), or those the cancellation is for (CANCEL). */
  attendees: ItipAttendee[];
  /** REPLY: the one attendee answering; only they are listed. */
  replyingAttendee?: ItipAttendee;
  /** DTSTAMP; defaults to now. */
  now?: Date;
  /**
   * One occurrence of a series (RFC 5546 §3.2.2, §3.2.5): the VEVENT carries its RECURRENCE-ID and
   * no RRULE; `meeting` then holds the occurrence's own times, title and SEQUENCE.
   */
  recurrenceId?: Date;
  /**
   * A series REQUEST's exceptions: cancelled occurrences become EXDATEs on the master, the others
   * VEVENTs of their own with RECURRENCE-ID, so a calendar receiving the series gets it whole.
   */
  exceptions?: ItipException[];
}

export interface ItipException {
  originalStartsAt: Date;
  cancelled: boolean;
  sequence: number;
  title: string;
  description: string | null;
  location: string | null;
  startsAt: Date;
  endsAt: Date;
}

const PRODID = '-//Tandem//Meetings//EN';

const PARTSTATS: Record<AttendeeResponseValue, string> = {
  needs_action: 'NEEDS-ACTION',
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE',
};

export function buildItipCalendar(input: ItipInput): string {
  const { method, meeting } = input;
  const vcalendar = new ICAL.Component('vcalendar');
  vcalendar.addPropertyWithValue('prodid', PRODID);
  vcalendar.addPropertyWithValue('version', '2.0');
  vcalendar.addPropertyWithValue('calscale', 'GREGORIAN');
  vcalendar.addPropertyWithValue('method', method);
  const vtimezone = vtimezoneFor(meeting.timeZone);
  if (vtimezone) vcalendar.addSubcomponent(vtimezone);
  const zone = vtimezone ? meeting.timeZone : null;
  const vevent = eventComponent(input, meeting, zone, input.recurrenceId ?? null);
  if (method !== 'REPLY' && !input.recurrenceId) {
    for (const line of meeting.recurrence ?? []) {
      const property = ICAL.Property.fromString(line.trim());
      if (['rrule', 'rdate', 'exdate'].includes(property.name)) vevent.addProperty(property);
    }
    for (const exception of input.exceptions ?? []) {
      if (exception.cancelled) vevent.addProperty(timeProperty('exdate', exception.originalStartsAt, zone));
    }
  }
  vcalendar.addSubcomponent(vevent);
  if (method === 'REQUEST' && !input.recurrenceId) {
    for (const exception of input.exceptions ?? []) {
      if (exception.cancelled) continue;
      const occurrence = { ...meeting, ...exception, recurrence: null };
      vcalendar.addSubcomponent(eventComponent(input, occurrence, zone, exception.originalStartsAt));
    }
  }
  return vcalendar.toString();
}

function eventComponent(
  input: ItipInput,
  meeting: ItipMeeting,
  zone: string | null,
  recurrenceId: Date | null,
): ICAL.Component {
  const { method } = input;
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', meeting.icalUid);
  vevent.addPropertyWithValue('sequence', meeting.sequence);
  vevent.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(input.now ?? new Date(), true));
  if (recurrenceId) vevent.addProperty(timeProperty('recurrence-id', recurrenceId, zone));
  vevent.addProperty(timeProperty('dtstart', meeting.startsAt, zone));
  vevent.addProperty(timeProperty('dtend', meeting.endsAt, zone));
  vevent.addPropertyWithValue('summary', meeting.title);
  if (meeting.description) vevent.addPropertyWithValue('description', meeting.description);
  if (meeting.location) vevent.addPropertyWithValue('location', meeting.location);
  if (meeting.onlineUrl) vevent.addPropertyWithValue('url', meeting.onlineUrl);
  vevent.addPropertyWithValue('status', method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED');
  vevent.addPropertyWithValue('x-tandem-meeting-id', meeting.id);

  const organizer = new ICAL.Property('organizer');
  organizer.setValue(`mailto:${input.organizer.email}`);
  if (input.organizer.name) organizer.setParameter('cn', input.organizer.name);
  vevent.addProperty(organizer);

  const listed =
    method === 'REPLY' ? (input.replyingAttendee ? [input.replyingAttendee] : []) : input.attendees;
  if (method === 'REPLY' && listed.length === 0) throw new Error('a REPLY names the attendee who answers');
  for (const attendee of listed) {
    const property = new ICAL.Property('attendee');
    property.setValue(`mailto:${attendee.email}`);
    if (attendee.name) property.setParameter('cn', attendee.name);
    property.setParameter('role', attendee.isOptional ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT');
    property.setParameter('partstat', method === 'REQUEST' ? 'NEEDS-ACTION' : PARTSTATS[attendee.response]);
    if (method === 'REQUEST') property.setParameter('rsvp', 'TRUE');
    vevent.addProperty(property);
  }
  if (method === 'REPLY' && input.replyingAttendee?.comment) {
    vevent.addPropertyWithValue('comment', input.replyingAttendee.comment);
  }
  return vevent;
}

/** The zone's VTIMEZONE from timezones-ical-library; null for UTC or a zone it does not know. */
function vtimezoneFor(zone: string): ICAL.Component | null {
  if (zone === 'UTC' || zone === 'Etc/UTC') return null;
  let block: string | string[];
  try {
    block = tzlib_get_ical_block(zone);
  } catch {
    return null;
  }
  const text = Array.isArray(block) ? block[0] : null;
  if (!text || !text.startsWith('BEGIN:VTIMEZONE')) return null;
  return new ICAL.Component(ICAL.parse(text));
}

function timeProperty(name: string, instant: Date, zone: string | null): ICAL.Property {
  const property = new ICAL.Property(name);
  const whole = new Date(Math.floor(instant.getTime() / 1000) * 1000);
  if (!zone) {
    property.setValue(ICAL.Time.fromJSDate(whole, true));
    return property;
  }
  const wall = wallTimeIn(whole, zone);
  property.setValue(ICAL.Time.fromData({ ...wall, isDate: false }));
  property.setParameter('tzid', zone);
  return property;
}

/** The wall-clock time of an instant in an IANA zone (Intl: no zone data of our own). */
function wallTimeIn(
  instant: Date,
  zone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  };
}
