import ICAL from 'ical.js';
import type {
  AttendeeResponse,
  EventTime,
  EventWrite,
  ProviderAttendee,
  ProviderEvent,
  ShowAs,
} from '../types';
import {
  addressOf,
  daysBetween,
  eventTimeOf,
  parameterOf,
  recurrenceIdOf,
  reportedZone,
  textOf,
  type ParsedObject,
} from './ical-read';
import { addDays, isoDate, type DateValue } from './ical-times';
import { dateProperty } from './ical-write';
import { instanceId, recurrenceKeyOf } from './ids';

/**
 * A VEVENT ↔ the normalised ProviderEvent / EventWrite shapes. Writes change the existing VEVENT
 * in place, so whatever other clients stored (alarms, X- properties, attendees' answers) survives
 * our edits. Parsing and building iCalendar itself is in ical-read.ts and ical-write.ts.
 */

/** Who is reading: decides `isSelf` on attendees. */
export interface ReadContext {
  objectName: string;
  etag: string | null;
  /** The account's own addresses (lower case, without `mailto:`). */
  selfAddresses: string[];
}

export const TAG_PROPERTY = 'x-tandem-meeting-id';

export interface WriteIdentity {
  /** The account's address, written as ORGANIZER on events with attendees. */
  email: string;
  name?: string | null;
}

export function eventFromVevent(
  vevent: ICAL.Component,
  parsed: ParsedObject,
  context: ReadContext,
): ProviderEvent {
  const time = eventTimeOf(vevent, parsed.zones);
  const organizer = vevent.getFirstProperty('organizer');
  const organizerEmail = organizer ? addressOf(organizer) : null;
  const attendees = vevent
    .getAllProperties('attendee')
    .map((property) => attendeeOf(property, organizerEmail, context));
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
    organizer:
      organizer && organizerEmail ? { email: organizerEmail, name: parameterOf(organizer, 'cn') } : null,
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
  return {
    kind: 'timed',
    start: new Date(instant),
    end: new Date(instant + length),
    timeZone: reportedZone(value, parsed.zones),
  };
}

function attendeeOf(
  property: ICAL.Property,
  organizerEmail: string | null,
  context: ReadContext,
): ProviderAttendee {
  const email = addressOf(property) ?? '';
  return {
    email,
    name: parameterOf(property, 'cn'),
    response: responseOf(parameterOf(property, 'partstat')),
    isOrganizer: organizerEmail !== null && email.toLowerCase() === organizerEmail.toLowerCase(),
    isOptional: ['OPT-PARTICIPANT', 'NON-PARTICIPANT'].includes(
      (parameterOf(property, 'role') ?? '').toUpperCase(),
    ),
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
function showAsOf(
  vevent: ICAL.Component,
  transparency: 'opaque' | 'transparent',
  status: ProviderEvent['status'],
): ShowAs {
  const busyStatus = (textOf(vevent, 'x-microsoft-cdo-busystatus') ?? '').toUpperCase();
  if (busyStatus === 'OOF') return 'oof';
  if (busyStatus === 'WORKINGELSEWHERE') return 'working_elsewhere';
  if (transparency === 'transparent' || busyStatus === 'FREE') return 'free';
  if (status === 'tentative' || busyStatus === 'TENTATIVE') return 'tentative';
  return 'busy';
}

/** Sets everything `write` describes on `vevent`. Overrides (RECURRENCE-ID) never carry rules. */
export function applyWrite(
  vevent: ICAL.Component,
  write: EventWrite,
  identity: WriteIdentity,
  now = new Date(),
): void {
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
  if (write.sequence !== undefined) vevent.updatePropertyWithValue('sequence', write.sequence);
  if (!vevent.hasProperty('status') || vevent.getFirstPropertyValue('status') === 'CANCELLED') {
    vevent.updatePropertyWithValue('status', 'CONFIRMED');
  }
  if (!vevent.hasProperty('transp')) vevent.addPropertyWithValue('transp', 'OPAQUE');
  const stamp = ICAL.Time.fromJSDate(now, true);
  vevent.updatePropertyWithValue('dtstamp', stamp);
  vevent.updatePropertyWithValue('last-modified', stamp);
  if (!vevent.hasProperty('created')) vevent.addPropertyWithValue('created', stamp);
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
    // An answer Tandem knows (a copy it places) wins; else the stored one survives our edit.
    property.setParameter(
      'partstat',
      attendee.response
        ? PARTSTAT_OF[attendee.response]
        : typeof partstat === 'string'
          ? partstat
          : 'NEEDS-ACTION',
    );
    property.setParameter('role', attendee.isOptional ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT');
    property.setParameter('rsvp', 'TRUE');
    if (attendee.name) property.setParameter('cn', attendee.name);
    // Without this a scheduling server (RFC 6638) would email the attendees itself.
    if (!write.notifyAttendees) property.setParameter('schedule-agent', 'CLIENT');
    vevent.addProperty(property);
  }
  // A copy placed in an attendee's calendar names the meeting's organiser, not the account.
  if (write.organizer) vevent.removeAllProperties('organizer');
  if (write.attendees.length > 0 && !vevent.hasProperty('organizer')) {
    const who = write.organizer ?? identity;
    const organizer = new ICAL.Property('organizer');
    organizer.setValue(`mailto:${who.email}`);
    if (who.name) organizer.setParameter('cn', who.name);
    vevent.addProperty(organizer);
  }
}

const PARTSTAT_OF: Record<AttendeeResponse, string> = {
  needs_action: 'NEEDS-ACTION',
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE',
};

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
