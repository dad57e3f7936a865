import ICAL from 'ical.js';
import { ProviderNotFoundError, ProviderProtocolError } from '../errors';
import type { EventTime, EventWrite } from '../types';
import { applyWrite, type WriteIdentity } from './event-mapping';
import { recurrenceIdOf, type ParsedObject } from './ical-read';
import { readDateValue } from './ical-times';
import { bumpSequence, dateProperty } from './ical-write';
import { instantOfKey, recurrenceKeyOf } from './ids';
import { wallFromNaiveMs } from './time-zones';

/** Edits of one instance of a series: an override VEVENT (RECURRENCE-ID) or an EXDATE. */

export function findOverride(parsed: ParsedObject, key: string): ICAL.Component | null {
  return (
    parsed.overrides.find((override) => {
      const { instant, value } = recurrenceIdOf(override, parsed.zones);
      return recurrenceKeyOf(instant, value.isDate) === key;
    }) ?? null
  );
}

/** Moves or edits one instance: updates its override, or adds one copied from the master. */
export function overrideInstance(
  parsed: ParsedObject,
  key: string,
  write: EventWrite,
  identity: WriteIdentity,
): void {
  const existing = findOverride(parsed, key);
  if (existing) {
    applyWrite(existing, { ...write, recurrence: null }, identity);
    bumpSequence(existing);
    return;
  }
  const master = parsed.master;
  if (!master) throw new ProviderNotFoundError(`no series master for instance ${key}`, 404);
  const override = new ICAL.Component(structuredClone(master.toJSON()));
  for (const name of ['rrule', 'rdate', 'exdate', 'recurrence-id']) override.removeAllProperties(name);
  override.addProperty(propertyInMasterForm('recurrence-id', key, parsed, master));
  applyWrite(override, { ...write, recurrence: null }, identity);
  bumpSequence(override);
  parsed.vcalendar.addSubcomponent(override);
  parsed.overrides.push(override);
}

/**
 * Cancels one instance: drops its override and excludes its slot from the master with an EXDATE.
 * Returns false when nothing is left in the object (an orphan override was the only content),
 * so the caller deletes the resource instead.
 */
export function cancelInstance(parsed: ParsedObject, key: string): boolean {
  const existing = findOverride(parsed, key);
  if (existing) {
    parsed.vcalendar.removeSubcomponent(existing);
    parsed.overrides.splice(parsed.overrides.indexOf(existing), 1);
  }
  if (parsed.master) {
    parsed.master.addProperty(propertyInMasterForm('exdate', key, parsed, parsed.master));
    bumpSequence(parsed.master);
    return true;
  }
  return parsed.vcalendar.getAllSubcomponents('vevent').length > 0;
}

/** A RECURRENCE-ID or EXDATE for the slot `key`, written like the master's DTSTART (date, TZID or UTC). */
function propertyInMasterForm(
  name: string,
  key: string,
  parsed: ParsedObject,
  master: ICAL.Component,
): ICAL.Property {
  const dtstartProperty = master.getFirstProperty('dtstart');
  if (!dtstartProperty) throw new ProviderProtocolError('series master without DTSTART');
  const dtstart = readDateValue(dtstartProperty);
  const instant = instantOfKey(key);
  const property = new ICAL.Property(name);
  if (dtstart.isDate) {
    property.resetType('date');
    property.setValue(ICAL.Time.fromData({ ...wallFromNaiveMs(instant), isDate: true }));
  } else if (dtstart.utc || !dtstart.tzid) {
    property.setValue(ICAL.Time.fromJSDate(new Date(instant), true));
  } else {
    property.setValue(
      ICAL.Time.fromData({ ...parsed.zones.toWall(instant, dtstart.tzid, false), isDate: false }),
    );
    property.setParameter('tzid', dtstart.tzid);
  }
  return property;
}

/** An override for slot `key` identical to the generated instance, for edits that touch only it (PARTSTAT). */
export function addPlainOverride(parsed: ParsedObject, key: string, time: EventTime): ICAL.Component {
  const master = parsed.master;
  if (!master) throw new ProviderNotFoundError(`no series master for instance ${key}`, 404);
  const override = new ICAL.Component(structuredClone(master.toJSON()));
  for (const name of ['rrule', 'rdate', 'exdate', 'recurrence-id', 'dtstart', 'dtend', 'duration'])
    override.removeAllProperties(name);
  override.addProperty(propertyInMasterForm('recurrence-id', key, parsed, master));
  override.addProperty(dateProperty('dtstart', time, 'start'));
  override.addProperty(dateProperty('dtend', time, 'end'));
  parsed.vcalendar.addSubcomponent(override);
  parsed.overrides.push(override);
  return override;
}
