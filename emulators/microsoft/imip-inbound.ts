import { DateTime } from 'luxon';
import type { ImipCalendar, ImipEvent } from '../shared/imip';
import { fromRrule } from './ical-recurrence';
import { graphTime, occurrenceKeyOf, responseOf } from './imip-mapping';
import { occurrenceId } from './instances';
import { newChangeKey, newGraphId, type MicrosoftStore } from './store';
import type { AccountRecord, AttendeeRecord, EventRecord, ExceptionRecord } from './store-types';

/**
 * iMIP email arriving at a mailbox hosted here, applied as Exchange does with "meeting requests
 * from external organisers" (the Calendar Attendant processes iCalendar requests, [MS-OXCICAL]):
 * a REQUEST for a new UID lands in the default calendar as not responded, shown as tentative,
 * with the organiser as given; a REQUEST with a higher SEQUENCE updates it (lower or equal is
 * stale, RFC 5546 §2.1.5); a CANCEL marks the copy cancelled (or drops one occurrence, by
 * RECURRENCE-ID); a REPLY sets that attendee's response and time on the organiser's item (Graph
 * keeps no comment); a COUNTER records the proposed new time on the attendee. Every change goes
 * through `store.saveEvent`, so delta and change notifications see it like an API write.
 */

const NEVER = '0001-01-01T00:00:00Z';

export function applyImipToMicrosoft(
  store: MicrosoftStore,
  recipient: string,
  message: ImipCalendar,
  now = new Date(),
): string {
  const account = store.accountByIdOrEmail(recipient);
  if (!account) return 'ignored: no such mailbox';
  return message.events
    .map((event) => {
      switch (message.method) {
        case 'REQUEST':
          return applyRequest(store, account, event, now);
        case 'CANCEL':
          return applyCancel(store, account, event, now);
        case 'REPLY':
        case 'COUNTER':
          return applyAnswer(store, account, event, message.method, now);
      }
    })
    .join('; ');
}

function attendeesOf(event: ImipEvent, previous: AttendeeRecord[]): AttendeeRecord[] {
  return event.attendees.map((attendee) => {
    const old = previous.find((a) => a.email.toLowerCase() === attendee.email);
    return {
      email: attendee.email,
      name: attendee.name ?? old?.name ?? attendee.email,
      type:
        attendee.role === 'OPT-PARTICIPANT'
          ? 'optional'
          : attendee.role === 'NON-PARTICIPANT'
            ? 'resource'
            : 'required',
      response: responseOf(attendee.partstat),
      time: old?.time ?? NEVER,
    };
  });
}

function startDateOf(event: ImipEvent): string {
  const time = event.time;
  if (time.kind === 'allDay') return time.startDate;
  return DateTime.fromJSDate(time.start, { zone: time.timeZone }).toISODate() ?? '';
}

/** EXDATE lines as occurrence keys (UTC instants, or dates in an all-day series). */
function exdateKeys(event: ImipEvent): string[] {
  const keys: string[] = [];
  for (const line of event.recurrence ?? []) {
    if (!line.toUpperCase().startsWith('EXDATE')) continue;
    const [head = '', values = ''] = line.split(/:(.*)/s);
    const tzid = /TZID=([^;:]+)/i.exec(head)?.[1];
    for (const value of values.split(',')) {
      const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
      if (!match) continue;
      const [, y, mo, d, h, mi, s, z] = match;
      if (!h) {
        keys.push(`${y}-${mo}-${d}`);
        continue;
      }
      const at = DateTime.fromObject(
        {
          year: Number(y),
          month: Number(mo),
          day: Number(d),
          hour: Number(h),
          minute: Number(mi),
          second: Number(s),
        },
        { zone: z ? 'utc' : (tzid ?? 'utc') },
      );
      keys.push(at.toUTC().toISO({ suppressMilliseconds: true }) ?? '');
    }
  }
  return keys;
}

function applyRequest(store: MicrosoftStore, account: AccountRecord, event: ImipEvent, now: Date): string {
  if (!event.attendees.some((attendee) => attendee.email === account.email.toLowerCase()))
    return 'ignored: the addressee is not an attendee';
  const existing = store.findByICalUId(account.id, event.uid);
  if (existing?.isOrganizer) return 'ignored: the addressee organises this meeting';
  if (event.recurrenceId)
    return existing ? requestOccurrence(store, existing, event, now) : 'ignored: unknown series';
  const recurrence = event.recurrence
    ? fromRrule(
        event.recurrence,
        startDateOf(event),
        event.time.kind === 'timed' ? event.time.timeZone : 'UTC',
      )
    : null;
  const content = {
    subject: event.summary ?? '',
    body: { contentType: 'text' as const, content: event.description ?? '' },
    location: event.location ?? '',
    locationUri: event.url ?? '',
    time: graphTime(event.time),
    isCancelled: false,
    type: recurrence ? ('seriesMaster' as const) : ('singleInstance' as const),
    recurrence,
    cancelledOccurrences: new Set(exdateKeys(event)),
    imipSequence: event.sequence,
    organizer: { email: event.organizer.email, name: event.organizer.name ?? event.organizer.email },
  };
  if (existing) {
    if (event.sequence <= (existing.imipSequence ?? -1))
      return `ignored: SEQUENCE ${event.sequence} is not newer than ${existing.imipSequence ?? -1}`;
    Object.assign(existing, content, { attendees: attendeesOf(event, existing.attendees) });
    store.saveEvent(existing, 'updated', now);
    return 'updated';
  }
  const calendar = store.defaultCalendar(account.id);
  if (!calendar) return 'ignored: no default calendar';
  const stamp = now.toISOString();
  const created: EventRecord = {
    ...content,
    id: newGraphId(),
    calendarId: calendar.id,
    ownerId: account.id,
    iCalUId: event.uid,
    changeKey: newChangeKey(),
    createdAt: stamp,
    lastModified: stamp,
    isOrganizer: false,
    transactionId: null,
    extendedProperties: new Map(),
    exceptions: new Map(),
    sequence: 0,
    allowNewTimeProposals: true,
    isOnlineMeeting: false,
    onlineMeetingUrl: null,
    showAs: 'tentative',
    attendees: attendeesOf(event, []),
    responseStatus: { response: 'notResponded', time: NEVER },
  };
  store.saveEvent(created, 'created', now);
  return 'added as not responded';
}

function requestOccurrence(store: MicrosoftStore, master: EventRecord, event: ImipEvent, now: Date): string {
  const key = occurrenceKeyOf(event.recurrenceId ?? { kind: 'allDay', date: '' });
  const previous = master.exceptions.get(key);
  const exception: ExceptionRecord = {
    id: occurrenceId(master.id, key),
    changeKey: newChangeKey(),
    lastModified: now.toISOString(),
    originalStartUtc: key,
    subject: event.summary ?? master.subject,
    body: { contentType: 'text', content: event.description ?? '' },
    location: event.location ?? '',
    locationUri: event.url ?? '',
    isOnlineMeeting: master.isOnlineMeeting,
    onlineMeetingUrl: master.onlineMeetingUrl,
    showAs: previous?.showAs ?? 'tentative',
    time: graphTime(event.time),
    isCancelled: false,
    attendees: attendeesOf(event, previous?.attendees ?? master.attendees),
    responseStatus: previous?.responseStatus ?? { response: 'notResponded', time: NEVER },
  };
  master.exceptions.set(key, exception);
  master.cancelledOccurrences.delete(key);
  store.saveEvent(master, 'updated', now);
  return previous ? 'occurrence updated' : 'occurrence changed';
}

function applyCancel(store: MicrosoftStore, account: AccountRecord, event: ImipEvent, now: Date): string {
  const existing = store.findByICalUId(account.id, event.uid);
  if (!existing || existing.isOrganizer) return 'ignored: unknown UID';
  if (existing.organizer.email.toLowerCase() !== event.organizer.email)
    return 'ignored: not from the organiser of record';
  if (event.recurrenceId) {
    const key = occurrenceKeyOf(event.recurrenceId);
    if (existing.cancelledOccurrences.has(key)) return 'ignored: already cancelled';
    existing.exceptions.delete(key);
    existing.cancelledOccurrences.add(key);
    store.saveEvent(existing, 'updated', now);
    return 'occurrence cancelled';
  }
  if (existing.isCancelled) return 'ignored: already cancelled';
  existing.isCancelled = true;
  existing.subject = `Canceled: ${existing.subject}`;
  existing.imipSequence = Math.max(existing.imipSequence ?? 0, event.sequence);
  store.saveEvent(existing, 'updated', now);
  return 'cancelled';
}

function applyAnswer(
  store: MicrosoftStore,
  account: AccountRecord,
  event: ImipEvent,
  method: 'REPLY' | 'COUNTER',
  now: Date,
): string {
  const organizerEvent = store.findByICalUId(account.id, event.uid);
  if (!organizerEvent || !organizerEvent.isOrganizer) return 'ignored: unknown UID';
  const answer = event.attendees[0];
  if (!answer || event.attendees.length !== 1) return `ignored: a ${method} names exactly one attendee`;
  const key = event.recurrenceId ? occurrenceKeyOf(event.recurrenceId) : null;
  const target = key ? (organizerEvent.exceptions.get(key) ?? organizerEvent) : organizerEvent;
  const entry = target.attendees.find((a) => a.email.toLowerCase() === answer.email);
  if (!entry) return 'ignored: not an attendee of this meeting';
  const response = responseOf(answer.partstat);
  if (response !== 'none' || method === 'REPLY')
    entry.response = response === 'none' ? 'notResponded' : response;
  entry.time = now.toISOString();
  if (method === 'COUNTER' && event.time.kind === 'timed') {
    const time = graphTime(event.time);
    if (time.kind === 'timed') entry.proposedNewTime = { startUtc: time.startUtc, endUtc: time.endUtc };
  } else delete entry.proposedNewTime;
  store.saveEvent(organizerEvent, 'updated', now);
  return method === 'COUNTER' ? `${answer.email} proposed a new time` : `${answer.email} ${entry.response}`;
}
