/**
 * Google event ↔ iTIP VEVENT, for the invitations Google emails to guests it does not host and
 * the ones Gmail receives from other calendars.
 */
import { DateTime } from 'luxon';
import type { ImipAttendee, ImipEvent, ImipRecurrenceId, PartStat } from '../shared/imip';
import type { GAttendee, GDateTime, GEvent, ResponseStatus } from './types';

const PARTSTAT_OF: Record<ResponseStatus, PartStat> = {
  needsAction: 'NEEDS-ACTION',
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE',
};
const RESPONSE_OF: Record<PartStat, ResponseStatus> = {
  'NEEDS-ACTION': 'needsAction',
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
};

export function partstatOf(status: ResponseStatus): PartStat {
  return PARTSTAT_OF[status];
}

export function responseOf(partstat: PartStat): ResponseStatus {
  return RESPONSE_OF[partstat];
}

/** The VEVENT for an organiser's event (a series, a single event or one occurrence). */
export function toImipEvent(event: GEvent, calendarZone: string): ImipEvent {
  const zone = event.start.timeZone ?? calendarZone;
  const time: ImipEvent['time'] = event.start.date
    ? { kind: 'allDay', startDate: event.start.date, endDate: event.end.date ?? event.start.date }
    : {
        kind: 'timed',
        start: new Date(event.start.dateTime ?? 0),
        end: new Date(event.end.dateTime ?? event.start.dateTime ?? 0),
        timeZone: zone,
      };
  return {
    uid: event.iCalUID,
    sequence: event.sequence,
    status:
      event.status === 'cancelled' ? 'CANCELLED' : event.status === 'tentative' ? 'TENTATIVE' : 'CONFIRMED',
    summary: event.summary,
    description: event.description,
    location: event.location,
    url: event.hangoutLink,
    time,
    recurrence: event.recurringEventId ? undefined : event.recurrence,
    recurrenceId:
      event.recurringEventId && event.originalStartTime
        ? recurrenceIdOf(event.originalStartTime, zone)
        : undefined,
    organizer: { email: event.organizer.email, name: event.organizer.displayName },
    attendees: (event.attendees ?? []).map((attendee) => imipAttendee(attendee, event.organizer.email)),
    transparent: event.transparency === 'transparent',
  };
}

function imipAttendee(attendee: GAttendee, organizer: string): ImipAttendee {
  return {
    email: attendee.email,
    name: attendee.displayName,
    partstat: partstatOf(attendee.responseStatus),
    role: attendee.optional ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT',
    rsvp: attendee.email !== organizer && attendee.responseStatus === 'needsAction',
  };
}

function recurrenceIdOf(original: GDateTime, zone: string): ImipRecurrenceId {
  if (original.date) return { kind: 'allDay', date: original.date };
  return { kind: 'timed', at: new Date(original.dateTime ?? 0), timeZone: original.timeZone ?? zone };
}

/** An iMIP time as Google writes it: `date`, or `dateTime` with the offset of its zone. */
export function googleTimes(event: ImipEvent): { start: GDateTime; end: GDateTime } {
  const time = event.time;
  if (time.kind === 'allDay') return { start: { date: time.startDate }, end: { date: time.endDate } };
  return { start: dateTimeIn(time.start, time.timeZone), end: dateTimeIn(time.end, time.timeZone) };
}

export function originalStartOf(id: ImipRecurrenceId): GDateTime {
  return id.kind === 'allDay' ? { date: id.date } : dateTimeIn(id.at, id.timeZone);
}

function dateTimeIn(at: Date, zone: string): GDateTime {
  const local = DateTime.fromJSDate(at, { zone });
  if (!local.isValid || zone === 'UTC')
    return { dateTime: DateTime.fromJSDate(at, { zone: 'utc' }).toISO() ?? '', timeZone: 'UTC' };
  return { dateTime: local.toISO({ suppressMilliseconds: true }) ?? '', timeZone: zone };
}

/** The attendee list of an invitation from outside; the addressee keeps the answer they gave. */
export function attendeesFrom(
  event: ImipEvent,
  addressee: string,
  existing: GEvent | undefined,
): GAttendee[] {
  return event.attendees.map((attendee) => {
    const mine = attendee.email === addressee;
    const previous = mine ? existing?.attendees?.find((a) => a.email === addressee) : undefined;
    return {
      email: attendee.email,
      ...(attendee.name ? { displayName: attendee.name } : {}),
      responseStatus: mine ? (previous?.responseStatus ?? 'needsAction') : responseOf(attendee.partstat),
      ...(attendee.role === 'OPT-PARTICIPANT' ? { optional: true } : {}),
      ...(attendee.email === event.organizer.email ? { organizer: true } : {}),
      ...(previous?.comment ? { comment: previous.comment } : {}),
    };
  });
}
