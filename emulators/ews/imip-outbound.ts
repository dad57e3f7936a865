import { DateTime } from 'luxon';
import { buildImip, type ImipEvent, type PartStat } from '../shared/imip';
import type { OutboundImip } from '../shared/imip-mail';
import { rruleOf } from './item-xml';
import { zoneOf } from './occurrences';
import type { OutsideMessage } from './store';
import type { ResponseType } from './store-types';

/**
 * What Exchange emails to people it does not host: meeting requests, updates and cancellations
 * from an organiser here, and replies from an attendee here to an organiser elsewhere, as
 * iCalendar (iMIP, RFC 6047; [MS-OXCICAL]). One message per recipient. A series goes as its
 * master (RRULE + EXDATE); its exceptions are not sent separately (see README).
 */
const PARTSTAT: Partial<Record<ResponseType, PartStat>> = {
  Accept: 'ACCEPTED',
  Decline: 'DECLINED',
  Tentative: 'TENTATIVE',
};

function exdates(message: OutsideMessage): string[] {
  return [...message.item.deleted].map(
    (original) => `EXDATE:${DateTime.fromISO(original, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss'Z'")}`,
  );
}

export function outboundImip(message: OutsideMessage, now: Date): OutboundImip {
  const { item, method } = message;
  const rrule = rruleOf(item);
  const attendees =
    method === 'REPLY'
      ? [
          {
            email: message.from.email,
            name: message.from.name,
            partstat: PARTSTAT[message.response ?? 'Accept'] ?? 'ACCEPTED',
          },
        ]
      : item.attendees.map((attendee) => ({
          email: attendee.email,
          name: attendee.name,
          partstat: PARTSTAT[attendee.response] ?? ('NEEDS-ACTION' as PartStat),
          role: attendee.optional ? ('OPT-PARTICIPANT' as const) : ('REQ-PARTICIPANT' as const),
          rsvp: true,
        }));
  const event: ImipEvent = {
    uid: item.uid,
    sequence: item.sequence,
    status: method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    summary: item.subject.replace(/^Canceled: /, ''),
    description: item.body || undefined,
    location: item.location || undefined,
    time: item.isAllDay
      ? {
          kind: 'allDay',
          startDate: DateTime.fromJSDate(item.start, { zone: 'utc' }).toISODate() ?? '',
          endDate: DateTime.fromJSDate(item.end, { zone: 'utc' }).toISODate() ?? '',
        }
      : { kind: 'timed', start: item.start, end: item.end, timeZone: zoneOf(item) },
    recurrence: rrule ? [rrule, ...exdates(message)] : undefined,
    organizer: { email: item.organizer.email, name: item.organizer.name },
    attendees,
  };
  const title = event.summary ?? '(no subject)';
  const subject =
    method === 'CANCEL'
      ? `Canceled: ${title}`
      : method === 'REPLY'
        ? `${message.response === 'Decline' ? 'Declined' : message.response === 'Tentative' ? 'Tentative' : 'Accepted'}: ${title}`
        : title;
  return {
    from: message.from,
    to: message.to,
    method,
    subject,
    text: subject,
    ics: buildImip(method, [event], now),
  };
}
