import ICAL from 'ical.js';
import type { AttendeeResponse, EventTime, EventWrite } from '../types';
import { wallFromIsoDate } from './ical-times';
import { addressOf, TAG_PROPERTY } from './ical-read';
import { utcToWall, ianaZoneFor, type WallTime } from './time-zones';
import { buildVtimezone } from './vtimezone';

/**
 * Writes our normalised event into iCalendar. Updates change the existing VEVENT in place, so
 * whatever other clients stored (alarms, X- properties, attendees' answers) survives our edits.
 */

export interface WriteIdentity {
  /** The account's address, written as ORGANIZER on events with attendees. */
  email: string;
  name?: string | null;
}

const PRODID = '-//Tandem//Calendar//EN';

export function newCalendar(): ICAL.Component {
  const vcalendar = new ICAL.Component('vcalendar');
  vcalendar.addPropertyWithValue('version', '2.0');
  vcalendar.addPropertyWithValue('prodid', PRODID);
  vcalendar.addPropertyWithValue('calscale', 'GREGORIAN');
  return vcalendar;
}

export function newVevent(uid: string): ICAL.Component {
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', uid);
  vevent.addPropertyWithValue('sequence', 0);
  return vevent;
}

/** Sets everything `write` describes on `vevent`. Overrides (RECURRENCE-ID) never carry rules. */
export function applyWrite(vevent: ICAL.Component, write: EventWrite, identity: WriteIdentity, now = new Date()): void {
  const isOverride = vevent.hasProperty('recurrence-id');
  setText(vevent, 'summary', write.title);
  setText(vevent, 'description', write.description);
  setText(vevent, 'location', write.location);
  setText(vevent, 'url', write.onlineUrl);
  setText(vevent, TAG_PROPERTY, write.tandemMeetingId);
  setTime(vevent, write.time);

  for (const name of ['rrule', 'rdate', 'exdate']) vevent.removeAllProperties(name);
  if (!isOverride) {
    for (const line of write.recurrence ?? []) {
      const property = ICAL.Property.fromString(line.trim());
      if (['rrule', 'rdate', 'exdate'].includes(property.name)) vevent.addProperty(property);
    }
  }

  setAttendees(vevent, write, identity);
  if (!vevent.hasProperty('status') || vevent.getFirstPropertyValue('status') === 'CANCELLED') {
    vevent.updatePropertyWithValue('status', 'CONFIRMED');
  }
  if (!vevent.hasProperty('transp')) vevent.addPropertyWithValue('transp', 'OPAQUE');
  const stamp = ICAL.Time.fromJSDate(now, true);
  vevent.updatePropertyWithValue('dtstamp', stamp);
  vevent.updatePropertyWithValue('last-modified', stamp);
  if (!vevent.hasProperty('created')) vevent.addPropertyWithValue('created', stamp);
}

/** SEQUENCE goes up on every change we write (RFC 5546 asks for it on significant ones). */
export function bumpSequence(vevent: ICAL.Component): void {
  const current = vevent.getFirstPropertyValue('sequence');
  vevent.updatePropertyWithValue('sequence', typeof current === 'number' ? current + 1 : 1);
}

function setText(vevent: ICAL.Component, name: string, value: string | null): void {
  vevent.removeAllProperties(name);
  if (value !== null && value !== '') vevent.addPropertyWithValue(name, value);
}

function setTime(vevent: ICAL.Component, time: EventTime): void {
  vevent.removeAllProperties('dtstart');
  vevent.removeAllProperties('dtend');
  vevent.removeAllProperties('duration');
  vevent.addProperty(dateProperty('dtstart', time, 'start'));
  vevent.addProperty(dateProperty('dtend', time, 'end'));
}

/** A DTSTART/DTEND/RECURRENCE-ID/EXDATE value: `VALUE=DATE`, `TZID=` local time, or UTC. */
export function dateProperty(name: string, time: EventTime, which: 'start' | 'end'): ICAL.Property {
  const property = new ICAL.Property(name);
  if (time.kind === 'allDay') {
    property.resetType('date');
    property.setValue(ICAL.Time.fromData({ ...wallFromIsoDate(which === 'start' ? time.startDate : time.endDate), isDate: true }));
    return property;
  }
  const instant = (which === 'start' ? time.start : time.end).getTime();
  const zone = ianaZoneFor(time.timeZone);
  if (!zone || zone === 'UTC') {
    property.setValue(ICAL.Time.fromJSDate(new Date(Math.floor(instant / 1000) * 1000), true));
    return property;
  }
  property.setValue(localTime(utcToWall(instant, zone)));
  property.setParameter('tzid', zone);
  return property;
}

function localTime(wall: WallTime): ICAL.Time {
  return ICAL.Time.fromData({ ...wall, isDate: false });
}

function setAttendees(vevent: ICAL.Component, write: EventWrite, identity: WriteIdentity): void {
  const previous = new Map<string, ICAL.Property>();
  for (const property of vevent.getAllProperties('attendee')) {
    const address = addressOf(property);
    if (address) previous.set(address.toLowerCase(), property);
  }
  vevent.removeAllProperties('attendee');
  for (const attendee of write.attendees) {
    const property = new ICAL.Property('attendee');
    property.setValue(`mailto:${attendee.email}`);
    const before = previous.get(attendee.email.toLowerCase());
    const partstat = before?.getParameter('partstat');
    property.setParameter('partstat', typeof partstat === 'string' ? partstat : 'NEEDS-ACTION');
    property.setParameter('role', attendee.isOptional ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT');
    property.setParameter('rsvp', 'TRUE');
    if (attendee.name) property.setParameter('cn', attendee.name);
    // Without this a scheduling server (RFC 6638) would email the attendees itself.
    if (!write.notifyAttendees) property.setParameter('schedule-agent', 'CLIENT');
    vevent.addProperty(property);
  }
  if (write.attendees.length > 0 && !vevent.hasProperty('organizer')) {
    const organizer = new ICAL.Property('organizer');
    organizer.setValue(`mailto:${identity.email}`);
    if (identity.name) organizer.setParameter('cn', identity.name);
    vevent.addProperty(organizer);
  }
}

/** Adds a VTIMEZONE for every IANA TZID the object uses and does not define yet. */
export function ensureTimezones(vcalendar: ICAL.Component): void {
  const defined = new Set(vcalendar.getAllSubcomponents('vtimezone').map((component) => component.getFirstPropertyValue('tzid')));
  const needed = new Map<string, number>();
  for (const vevent of vcalendar.getAllSubcomponents('vevent')) {
    for (const property of vevent.getAllProperties()) {
      const tzid = property.getParameter('tzid');
      if (typeof tzid !== 'string' || defined.has(tzid) || needed.has(tzid)) continue;
      const value = property.getFirstValue();
      needed.set(tzid, value instanceof ICAL.Time ? value.year : new Date().getUTCFullYear());
    }
  }
  for (const [tzid, year] of needed) {
    const zone = ianaZoneFor(tzid);
    if (zone && zone === tzid) vcalendar.addSubcomponent(buildVtimezone(zone, year));
  }
}

const PARTSTATS: Record<Exclude<AttendeeResponse, 'needs_action'>, string> = {
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE',
};

/** Sets PARTSTAT on the account's own ATTENDEE entries; false when the account is not invited. */
export function setOwnPartstat(
  vevents: ICAL.Component[],
  selfAddresses: string[],
  response: Exclude<AttendeeResponse, 'needs_action'>,
): boolean {
  let found = false;
  for (const vevent of vevents) {
    for (const property of vevent.getAllProperties('attendee')) {
      const address = addressOf(property)?.toLowerCase();
      if (!address || !selfAddresses.includes(address)) continue;
      property.setParameter('partstat', PARTSTATS[response]);
      property.removeParameter('rsvp');
      found = true;
    }
  }
  return found;
}
