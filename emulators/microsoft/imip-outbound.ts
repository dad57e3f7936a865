import { buildImip, type ImipEvent, type ImipMethod } from '../shared/imip';
import { contentImip, masterImip, partstatOf, recurrenceIdOf } from './imip-mapping';
import type { MicrosoftStore } from './store';
import type { AccountRecord, AttendeeRecord, EventRecord, ResponseKind } from './store-types';

/**
 * What Exchange emails to people it does not host ("meeting requests … sent to external
 * recipients" as iCalendar, [MS-OXCICAL]): Graph sends invitations on POST events, updates on
 * PATCH and cancellations on cancel / DELETE of a meeting, always (Graph has no sendUpdates);
 * an attendee's accept / decline / tentativelyAccept with sendResponse true answers an organiser
 * elsewhere with a REPLY (a COUNTER when it proposes a new time). One message per recipient, so
 * each delivery stands on its own, as the outbox records it.
 */

function isHosted(store: MicrosoftStore, email: string): boolean {
  return store.accountByIdOrEmail(email) !== undefined;
}

function send(
  store: MicrosoftStore,
  event: EventRecord,
  method: ImipMethod,
  kind: 'invitation' | 'update' | 'cancellation' | 'reply',
  vevent: ImipEvent,
  to: { email: string; name?: string | undefined },
  from: { email: string; name?: string | undefined },
  now: Date,
): void {
  const title = vevent.summary ?? '(no subject)';
  const prefix = { invitation: '', update: 'Updated: ', cancellation: 'Canceled: ', reply: '' }[kind];
  store.send(
    {
      kind,
      method,
      from,
      to,
      iCalUId: event.iCalUId,
      subject: kind === 'reply' ? `${replyWord(vevent)}: ${title}` : `${prefix}${title}`,
      text:
        kind === 'reply'
          ? `${from.name ?? from.email} answered "${title}".`
          : `${from.name ?? from.email}: "${title}".`,
      ics: buildImip(method, [vevent], now),
    },
    now,
  );
}

function replyWord(vevent: ImipEvent): string {
  const partstat = vevent.attendees[0]?.partstat;
  return partstat === 'ACCEPTED' ? 'Accepted' : partstat === 'DECLINED' ? 'Declined' : 'Tentative';
}

/**
 * After the organiser created or changed `event`: a REQUEST (or CANCEL when it is cancelled) to
 * every attendee outside; attendees removed since `previous` get a CANCEL.
 */
export function mailOrganizerChange(
  store: MicrosoftStore,
  event: EventRecord,
  kind: 'invitation' | 'update',
  previous: AttendeeRecord[],
  now = new Date(),
): void {
  if (!event.isOrganizer) return;
  const organizer = { email: event.organizer.email, name: event.organizer.name };
  const current = new Set(event.attendees.map((a) => a.email.toLowerCase()));
  const vevent = masterImip(event);
  const method: ImipMethod = event.isCancelled ? 'CANCEL' : 'REQUEST';
  for (const attendee of event.attendees) {
    if (isHosted(store, attendee.email)) continue;
    send(
      store,
      event,
      method,
      method === 'CANCEL' ? 'cancellation' : kind,
      vevent,
      { email: attendee.email, name: attendee.name },
      organizer,
      now,
    );
  }
  for (const attendee of previous) {
    if (current.has(attendee.email.toLowerCase()) || isHosted(store, attendee.email)) continue;
    send(
      store,
      event,
      'CANCEL',
      'cancellation',
      { ...vevent, status: 'CANCELLED' },
      { email: attendee.email, name: attendee.name },
      organizer,
      now,
    );
  }
}

/** The organiser cancelled the meeting, or one occurrence of it (`occurrenceKey`). */
export function mailCancellation(
  store: MicrosoftStore,
  event: EventRecord,
  occurrenceKey: string | null,
  now = new Date(),
): void {
  if (!event.isOrganizer) return;
  const organizer = { email: event.organizer.email, name: event.organizer.name };
  const vevent: ImipEvent = occurrenceKey
    ? {
        ...contentImip(event, event),
        recurrenceId: recurrenceIdOf(event, occurrenceKey),
        status: 'CANCELLED',
      }
    : { ...masterImip(event), status: 'CANCELLED' };
  if (occurrenceKey) vevent.time = occurrenceTime(event, occurrenceKey);
  for (const attendee of event.attendees) {
    if (isHosted(store, attendee.email)) continue;
    send(
      store,
      event,
      'CANCEL',
      'cancellation',
      vevent,
      { email: attendee.email, name: attendee.name },
      organizer,
      now,
    );
  }
}

function occurrenceTime(event: EventRecord, key: string): ImipEvent['time'] {
  const time = masterImip(event).time;
  if (time.kind === 'allDay') {
    const days = Math.round((Date.parse(time.endDate) - Date.parse(time.startDate)) / 86_400_000);
    const end = new Date(Date.parse(key) + days * 86_400_000).toISOString().slice(0, 10);
    return { kind: 'allDay', startDate: key, endDate: end };
  }
  const start = new Date(key);
  return { ...time, start, end: new Date(start.getTime() + (time.end.getTime() - time.start.getTime())) };
}

/** An attendee hosted here answered an organiser elsewhere: only their ATTENDEE line (RFC 5546 §3.2.3). */
export function mailAnswer(
  store: MicrosoftStore,
  owner: AccountRecord,
  copy: EventRecord,
  answer: {
    response: ResponseKind;
    comment?: string | undefined;
    proposedNewTime?: { startUtc: string; endUtc: string } | undefined;
  },
  occurrenceKey: string | null,
  now = new Date(),
): void {
  if (isHosted(store, copy.organizer.email)) return;
  const base = contentImip(copy, copy);
  const vevent: ImipEvent = {
    ...base,
    summary: base.summary,
    attendees: [
      { email: owner.email.toLowerCase(), name: owner.displayName, partstat: partstatOf(answer.response) },
    ],
    comment: answer.comment || undefined,
    ...(occurrenceKey
      ? { recurrenceId: recurrenceIdOf(copy, occurrenceKey), time: occurrenceTime(copy, occurrenceKey) }
      : {}),
  };
  if (copy.imipSequence !== undefined) vevent.sequence = copy.imipSequence;
  const method: ImipMethod = answer.proposedNewTime ? 'COUNTER' : 'REPLY';
  if (answer.proposedNewTime) {
    const zone = vevent.time.kind === 'timed' ? vevent.time.timeZone : 'UTC';
    vevent.time = {
      kind: 'timed',
      start: new Date(answer.proposedNewTime.startUtc),
      end: new Date(answer.proposedNewTime.endUtc),
      timeZone: zone,
    };
  }
  send(
    store,
    copy,
    method,
    'reply',
    vevent,
    { email: copy.organizer.email, name: copy.organizer.name },
    { email: owner.email, name: owner.displayName },
    now,
  );
}
