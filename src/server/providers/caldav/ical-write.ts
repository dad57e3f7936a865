import ICAL from 'ical.js';
import type { EventTime } from '../types';
import { wallFromIsoDate } from './ical-times';
import { utcToWall, ianaZoneFor, type WallTime } from './time-zones';
import { buildVtimezone } from './vtimezone';

/** Building iCalendar: new objects, date values, SEQUENCE and the VTIMEZONEs an object needs. */

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

/** SEQUENCE goes up on every change we write (RFC 5546 asks for it on significant ones). */
export function bumpSequence(vevent: ICAL.Component): void {
  const current = vevent.getFirstPropertyValue('sequence');
  vevent.updatePropertyWithValue('sequence', typeof current === 'number' ? current + 1 : 1);
}

/** A DTSTART/DTEND/RECURRENCE-ID/EXDATE value: `VALUE=DATE`, `TZID=` local time, or UTC. */
export function dateProperty(name: string, time: EventTime, which: 'start' | 'end'): ICAL.Property {
  const property = new ICAL.Property(name);
  if (time.kind === 'allDay') {
    property.resetType('date');
    property.setValue(
      ICAL.Time.fromData({
        ...wallFromIsoDate(which === 'start' ? time.startDate : time.endDate),
        isDate: true,
      }),
    );
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

/** Adds a VTIMEZONE for every IANA TZID the object uses and does not define yet. */
export function ensureTimezones(vcalendar: ICAL.Component): void {
  const defined = new Set(
    vcalendar.getAllSubcomponents('vtimezone').map((component) => component.getFirstPropertyValue('tzid')),
  );
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
