import { DateTime } from 'luxon';
import { fromRrule } from '../microsoft/ical-recurrence';
import type { ImipCalendar, ImipEvent } from '../shared/imip';
import { newChangeKey, newItemId } from './ids';
import { applyCounter, applyReply } from './imip-answers';
import { itemWithUid, occurrenceKey, RESPONSE_OF, timesOf } from './imip-common';
import { fileMeetingMessage } from './meeting-messages';
import type { EwsStore } from './store';
import type { AttendeeRecord, CalendarItemRecord, MailboxRecord } from './store-types';

/**
 * iMIP email arriving at a mailbox this Exchange Server hosts, applied as Exchange applies an
 * iCalendar meeting message from an organiser elsewhere ([MS-OXCICAL] "Property: METHOD": a
 * REQUEST is a Meeting Request object, CANCEL a Meeting Cancellation, REPLY a Meeting Response
 * whose one ATTENDEE's PARTSTAT is the answer):
 * - REQUEST for a new UID: a meeting on the calendar with the organiser as given ([MS-OXOCAL]
 *   3.1.4.7.2.2 "Creating the Meeting Object": PidLidResponseStatus respNotResponded, EWS
 *   `MyResponseType` NoResponseReceived; PidLidBusyStatus olTentative unless the intended status
 *   is free, EWS `LegacyFreeBusyStatus` Tentative, or Free for TRANSP:TRANSPARENT). A higher
 *   SEQUENCE updates it (lower or equal is stale, RFC 5546 §2.1.5); a new time asks for an answer
 *   again ([MS-OXOCAL] 3.1.4.7.3.1, a full update). With RECURRENCE-ID it changes one occurrence.
 * - CANCEL from the organiser of record: the copy is cancelled ([MS-OXOCAL] 3.1.4.9: `IsCancelled`,
 *   the "Canceled: " prefix, free), or with RECURRENCE-ID that occurrence becomes a deleted one.
 * - REPLY to a meeting organised here: that attendee's `ResponseType` and `LastResponseTime` on
 *   the organiser's item (PARTSTAT ACCEPTED / TENTATIVE / DECLINED → Accept / Tentative / Decline).
 *   With RECURRENCE-ID ([MS-OXCICAL] "Property: RECURRENCE-ID": the response is to that exception)
 *   it is recorded on that occurrence alone: its exception on the organiser's item carries the
 *   answer in its own attendee list ([MS-OXOCAL] recipExceptionalResponse, occurrence-responses.ts).
 * - COUNTER to a meeting organised here ([MS-OXCICAL] "Property: METHOD": a Meeting Response with
 *   a counter proposal, its DTSTART / DTEND the new time): the attendee's row (or, with
 *   RECURRENCE-ID, the occurrence's exception's) gets their answer and the proposal (EWS Attendee
 *   `ProposedStart` / `ProposedEnd`), and a MeetingResponse naming it lands in the Inbox.
 * Each request and cancellation also leaves its meeting message in the Inbox (meeting-messages.ts).
 * Every change bumps the item's version, so SyncFolderItems reports it like an EWS write.
 */

export function applyImipToEws(
  store: EwsStore,
  recipient: string,
  message: ImipCalendar,
  now = new Date(),
): string {
  const mailbox = store.mailbox(recipient);
  if (!mailbox) return 'ignored: no such mailbox';
  return message.events
    .map((event) => {
      switch (message.method) {
        case 'REQUEST':
          return applyRequest(store, mailbox, event, now);
        case 'CANCEL':
          return applyCancel(store, mailbox, event, now);
        case 'REPLY':
          return applyReply(store, mailbox, event, now);
        case 'COUNTER':
          return applyCounter(store, mailbox, event, now);
      }
    })
    .join('; ');
}

function attendeesOf(event: ImipEvent, previous: AttendeeRecord[]): AttendeeRecord[] {
  return event.attendees.map((attendee) => {
    const old = previous.find((entry) => entry.email === attendee.email);
    return {
      email: attendee.email,
      name: attendee.name ?? old?.name ?? attendee.email,
      optional: attendee.role === 'OPT-PARTICIPANT',
      response: RESPONSE_OF[attendee.partstat],
      lastResponseTime: old?.lastResponseTime ?? null,
    };
  });
}

/** EXDATE values as the master's deleted-occurrence keys. */
function exdateKeys(event: ImipEvent): Set<string> {
  const keys = new Set<string>();
  for (const line of event.recurrence ?? []) {
    if (!line.toUpperCase().startsWith('EXDATE')) continue;
    const [head = '', values = ''] = line.split(/:(.*)/s);
    const zone = /TZID=([^;:]+)/i.exec(head)?.[1] ?? 'utc';
    for (const value of values.split(',')) {
      const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
      if (!match) continue;
      const [, year, month, day, hour, minute, second, utc] = match;
      const at = DateTime.fromObject(
        {
          year: Number(year),
          month: Number(month),
          day: Number(day),
          hour: Number(hour ?? 0),
          minute: Number(minute ?? 0),
          second: Number(second ?? 0),
        },
        { zone: hour && !utc ? zone : 'utc' },
      );
      if (at.isValid) keys.add(at.toUTC().toJSDate().toISOString());
    }
  }
  return keys;
}

function contentOf(event: ImipEvent): Partial<CalendarItemRecord> {
  const times = timesOf(event);
  const zone = event.time.kind === 'timed' ? event.time.timeZone : 'UTC';
  const startDate = DateTime.fromJSDate(times.start, { zone: times.isAllDay ? 'utc' : zone }).toISODate();
  return {
    ...times,
    subject: event.summary ?? '',
    body: event.description ?? '',
    location: event.location ?? '',
    recurrence: event.recurrence ? fromRrule(event.recurrence, startDate ?? '', zone) : null,
    deleted: exdateKeys(event),
    organizer: { email: event.organizer.email, name: event.organizer.name ?? event.organizer.email },
    sequence: event.sequence,
    isMeeting: true,
    isCancelled: false,
  };
}

function applyRequest(store: EwsStore, mailbox: MailboxRecord, event: ImipEvent, now: Date): string {
  if (!event.attendees.some((attendee) => attendee.email === mailbox.email))
    return 'ignored: the addressee is not an attendee';
  const existing = itemWithUid(mailbox, event.uid);
  if (existing?.myResponse === 'Organizer') return 'ignored: the addressee organises this meeting';
  if (event.recurrenceId)
    return existing ? requestOccurrence(store, mailbox, existing, event, now) : 'ignored: unknown series';
  if (existing) {
    if (event.sequence <= existing.sequence)
      return `ignored: SEQUENCE ${event.sequence} is not newer than ${existing.sequence}`;
    const content = contentOf(event);
    const wasCancelled = existing.isCancelled;
    const moved =
      content.start?.getTime() !== existing.start.getTime() ||
      content.end?.getTime() !== existing.end.getTime() ||
      JSON.stringify(content.recurrence) !== JSON.stringify(existing.recurrence);
    Object.assign(existing, content, { attendees: attendeesOf(event, existing.attendees) });
    // A full update (a new time) asks for an answer again; an informational one keeps it.
    if (moved || wasCancelled)
      Object.assign(existing, {
        myResponse: 'NoResponseReceived',
        freeBusy: event.transparent ? 'Free' : 'Tentative',
      });
    store.touch(existing);
    fileMeetingMessage(
      mailbox,
      existing,
      'MeetingRequest',
      moved ? 'FullUpdate' : 'InformationalUpdate',
      now,
    );
    return moved ? 'updated: asked again' : 'updated';
  }
  const version = store.nextVersion();
  const item: CalendarItemRecord = {
    id: newItemId(),
    changeKey: newChangeKey(),
    mailbox: mailbox.email,
    uid: event.uid,
    subject: '',
    body: '',
    bodyType: 'Text',
    location: '',
    start: now,
    end: now,
    isAllDay: false,
    timeZone: 'UTC',
    recurrence: null,
    modified: new Map(),
    deleted: new Set(),
    organizer: { email: event.organizer.email, name: event.organizer.name ?? event.organizer.email },
    attendees: attendeesOf(event, []),
    myResponse: 'NoResponseReceived',
    isMeeting: true,
    isCancelled: false,
    freeBusy: event.transparent ? 'Free' : 'Tentative',
    extended: new Map(),
    sequence: event.sequence,
    created: now,
    lastModified: now,
    createdVersion: version,
    version,
    ...contentOf(event),
  };
  mailbox.items.set(item.id, item);
  fileMeetingMessage(mailbox, item, 'MeetingRequest', 'NewMeetingRequest', now);
  return 'added as not responded';
}

function requestOccurrence(
  store: EwsStore,
  mailbox: MailboxRecord,
  master: CalendarItemRecord,
  event: ImipEvent,
  now: Date,
): string {
  if (!master.recurrence) return 'ignored: not a series';
  const key = occurrenceKey(event.recurrenceId!);
  const times = timesOf(event);
  const previous = master.modified.get(key);
  store.touch(master);
  master.modified.set(key, {
    start: times.start,
    end: times.end,
    subject: event.summary ?? master.subject,
    location: event.location ?? '',
    body: event.description ?? '',
    changeKey: master.changeKey,
    lastModified: master.lastModified,
  });
  master.deleted.delete(key);
  fileMeetingMessage(mailbox, master, 'MeetingRequest', 'FullUpdate', now);
  return previous ? 'occurrence updated' : 'occurrence changed';
}

function applyCancel(store: EwsStore, mailbox: MailboxRecord, event: ImipEvent, now: Date): string {
  const existing = itemWithUid(mailbox, event.uid);
  if (!existing || existing.myResponse === 'Organizer') return 'ignored: unknown UID';
  if (existing.organizer.email.toLowerCase() !== event.organizer.email)
    return 'ignored: not from the organiser of record';
  if (event.recurrenceId) {
    const key = occurrenceKey(event.recurrenceId);
    if (existing.deleted.has(key)) return 'ignored: already cancelled';
    existing.modified.delete(key);
    existing.deleted.add(key);
    store.touch(existing);
    fileMeetingMessage(mailbox, existing, 'MeetingCancellation', null, now);
    return 'occurrence cancelled';
  }
  if (existing.isCancelled) return 'ignored: already cancelled';
  Object.assign(existing, {
    isCancelled: true,
    subject: `Canceled: ${existing.subject}`,
    freeBusy: 'Free',
    sequence: Math.max(existing.sequence, event.sequence),
  });
  store.touch(existing);
  fileMeetingMessage(mailbox, existing, 'MeetingCancellation', null, now);
  return 'cancelled';
}
