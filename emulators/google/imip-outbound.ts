/**
 * What Google emails to people it does not host: invitations, updates and cancellations from an
 * organiser (Calendar API `sendUpdates=all` or `externalOnly`: "notifications … to all guests" /
 * "only to non-Google Calendar guests"), and a guest's answer to an organiser elsewhere. Each
 * goes out as an iMIP message to one recipient (RFC 6047 §2.3 lets one message carry several
 * recipients; one per recipient keeps each delivery and its failure separate, as the outbox
 * records them one by one).
 */
import { buildImip, type ImipMethod } from '../shared/imip';
import { partstatOf, toImipEvent } from './imip-mapping';
import type { GoogleStore } from './store';
import type { GAttendee, GEvent, OutboxMessage } from './types';

type Kind = 'invitation' | 'update' | 'cancellation';

const SUBJECT: Record<Kind, string> = {
  invitation: 'Invitation',
  update: 'Updated invitation',
  cancellation: 'Canceled event',
};

/** The iMIP part of an outbox message to a guest outside this emulator. */
export function organizerImip(store: GoogleStore, event: GEvent, kind: Kind): OutboxMessage['imip'] {
  const method: ImipMethod = kind === 'cancellation' || event.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const zone = store.calendars.get(event.organizer.email)?.timeZone ?? 'UTC';
  const vevent = toImipEvent(event, zone);
  if (method === 'CANCEL') vevent.status = 'CANCELLED';
  return {
    method,
    ics: buildImip(method, [vevent], store.clock.now()),
    subject: `${SUBJECT[kind]}: ${event.summary ?? '(no title)'}`,
    text: `${event.organizer.displayName ?? event.organizer.email} ${
      method === 'CANCEL' ? 'has cancelled' : 'has invited you to'
    } "${event.summary ?? '(no title)'}".`,
  };
}

const ANSWER_WORD: Record<GAttendee['responseStatus'], string> = {
  accepted: 'Accepted',
  declined: 'Declined',
  tentative: 'Tentatively accepted',
  needsAction: 'No response yet',
};

/** The REPLY a guest's answer sends to an organiser elsewhere: only that guest's ATTENDEE (RFC 5546 §3.2.3). */
export function replyImip(store: GoogleStore, copy: GEvent, answer: GAttendee): OutboxMessage['imip'] {
  const zone = store.calendars.get(answer.email)?.timeZone ?? 'UTC';
  const vevent = toImipEvent(copy, zone);
  vevent.attendees = [
    { email: answer.email, name: answer.displayName, partstat: partstatOf(answer.responseStatus) },
  ];
  vevent.comment = answer.comment;
  vevent.recurrence = undefined;
  // The meeting itself goes on: a guest removing their copy only declines it.
  vevent.status = 'CONFIRMED';
  return {
    method: 'REPLY',
    ics: buildImip('REPLY', [vevent], store.clock.now()),
    subject: `${ANSWER_WORD[answer.responseStatus]}: ${copy.summary ?? '(no title)'}`,
    text: `${answer.displayName ?? answer.email}: ${ANSWER_WORD[answer.responseStatus].toLowerCase()}${
      answer.comment ? ` — "${answer.comment}"` : ''
    }.`,
  };
}
