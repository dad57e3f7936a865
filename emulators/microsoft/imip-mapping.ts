import { DateTime } from 'luxon';
import type { ImipAttendee, ImipEvent, ImipRecurrenceId, ImipTime, PartStat } from '../shared/imip';
import { toRrule } from './ical-recurrence';
import type { AttendeeRecord, EventContent, EventRecord, EventTimeRecord, ResponseKind } from './store-types';

/** Exchange items ↔ iTIP VEVENTs (the fields Tandem reads; body text as DESCRIPTION). */

const PARTSTAT_OF: Partial<Record<ResponseKind, PartStat>> = {
  accepted: 'ACCEPTED',
  tentativelyAccepted: 'TENTATIVE',
  declined: 'DECLINED',
};

export function partstatOf(response: ResponseKind): PartStat {
  return PARTSTAT_OF[response] ?? 'NEEDS-ACTION';
}

export function responseOf(partstat: PartStat): ResponseKind {
  if (partstat === 'ACCEPTED') return 'accepted';
  if (partstat === 'TENTATIVE') return 'tentativelyAccepted';
  if (partstat === 'DECLINED') return 'declined';
  return 'none';
}

export function imipTime(time: EventTimeRecord): ImipTime {
  return time.kind === 'allDay'
    ? { kind: 'allDay', startDate: time.startDate, endDate: time.endDate }
    : { kind: 'timed', start: new Date(time.startUtc), end: new Date(time.endUtc), timeZone: time.startZone };
}

export function graphTime(time: ImipTime): EventTimeRecord {
  if (time.kind === 'allDay')
    return { kind: 'allDay', startDate: time.startDate, endDate: time.endDate, zone: 'UTC' };
  const iso = (date: Date) =>
    DateTime.fromJSDate(date, { zone: 'utc' }).toISO({ suppressMilliseconds: true }) ?? '';
  return {
    kind: 'timed',
    startUtc: iso(time.start),
    endUtc: iso(time.end),
    startZone: time.timeZone,
    endZone: time.timeZone,
  };
}

/** An occurrence's key on the master (UTC ISO instant, or the date of an all-day one). */
export function occurrenceKeyOf(id: ImipRecurrenceId): string {
  return id.kind === 'allDay'
    ? id.date
    : (DateTime.fromJSDate(id.at, { zone: 'utc' }).toISO({ suppressMilliseconds: true }) ?? '');
}

export function recurrenceIdOf(master: EventRecord, key: string): ImipRecurrenceId {
  return master.time.kind === 'allDay'
    ? { kind: 'allDay', date: key }
    : { kind: 'timed', at: new Date(key), timeZone: master.time.startZone };
}

function plainText(body: EventContent['body']): string | undefined {
  const text =
    body.contentType === 'html'
      ? body.content
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
      : body.content;
  return text || undefined;
}

function imipAttendee(attendee: AttendeeRecord): ImipAttendee {
  return {
    email: attendee.email.toLowerCase(),
    name: attendee.name,
    partstat: partstatOf(attendee.response),
    role:
      attendee.type === 'optional'
        ? 'OPT-PARTICIPANT'
        : attendee.type === 'resource'
          ? 'NON-PARTICIPANT'
          : 'REQ-PARTICIPANT',
    rsvp: true,
  };
}

/** The VEVENT of a whole series or single event: RRULE, and EXDATE for each deleted occurrence. */
export function masterImip(event: EventRecord): ImipEvent {
  const recurrence = event.recurrence ? [toRrule(event.recurrence)] : undefined;
  if (recurrence && event.cancelledOccurrences.size > 0) {
    for (const key of event.cancelledOccurrences)
      recurrence.push(
        event.time.kind === 'allDay'
          ? `EXDATE;VALUE=DATE:${key.replace(/-/g, '')}`
          : `EXDATE:${DateTime.fromISO(key, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'")}`,
      );
  }
  return contentImip(event, event, recurrence);
}

export function contentImip(event: EventRecord, content: EventContent, recurrence?: string[]): ImipEvent {
  return {
    uid: event.iCalUId,
    sequence: event.sequence,
    status: content.isCancelled ? 'CANCELLED' : 'CONFIRMED',
    summary: content.subject.replace(/^Canceled: /, '') || undefined,
    description: plainText(content.body),
    location: content.location || undefined,
    url: content.onlineMeetingUrl ?? (content.locationUri || undefined),
    time: imipTime(content.time),
    recurrence,
    organizer: { email: event.organizer.email.toLowerCase(), name: event.organizer.name },
    attendees: content.attendees.map(imipAttendee),
    transparent: content.showAs === 'free',
  };
}
