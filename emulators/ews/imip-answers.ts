import type { ImipEvent } from '../shared/imip';
import { itemWithUid, occurrenceKey, RESPONSE_OF, timesOf } from './imip-common';
import { fileCounterProposal } from './meeting-messages';
import { recordExceptionalAnswer } from './occurrence-responses';
import { occurrenceAt } from './occurrences';
import type { EwsStore } from './store';
import type { CalendarItemRecord, MailboxRecord, ResponseType } from './store-types';

/**
 * Answers from attendees elsewhere to meetings organised here (REPLY and COUNTER); see
 * imip-inbound.ts for the references.
 */

/** The organiser's item and the one attendee a REPLY or COUNTER answers for, or why it is ignored. */
function answered(
  mailbox: MailboxRecord,
  event: ImipEvent,
  method: 'REPLY' | 'COUNTER',
): { organized: CalendarItemRecord; email: string; response: ResponseType } | string {
  const organized = itemWithUid(mailbox, event.uid);
  if (!organized || organized.myResponse !== 'Organizer') return 'ignored: unknown UID';
  const answer = event.attendees[0];
  if (!answer || event.attendees.length !== 1) return `ignored: a ${method} names exactly one attendee`;
  const response: ResponseType =
    answer.partstat === 'NEEDS-ACTION' ? 'NoResponseReceived' : RESPONSE_OF[answer.partstat];
  return { organized, email: answer.email, response };
}

/**
 * Records `response` (null: the one held stays) and the proposal (or none) for `email` on the
 * series or, with RECURRENCE-ID, on that occurrence alone: its exception carries the answer, the
 * series keeps its own.
 */
function recordAnswer(
  store: EwsStore,
  organized: CalendarItemRecord,
  event: ImipEvent,
  email: string,
  response: ResponseType | null,
  proposed: { start: Date; end: Date } | null,
  now: Date,
): string {
  const answer = { ...(response ? { response } : {}), lastResponseTime: now, proposed };
  if (event.recurrenceId) {
    const occurrence = occurrenceAt(organized, occurrenceKey(event.recurrenceId));
    if (!occurrence) return 'ignored: no such occurrence';
    if (!occurrence.attendees.some((attendee) => attendee.email === email))
      return 'ignored: not an attendee of this meeting';
    recordExceptionalAnswer(
      store,
      occurrence,
      occurrence.attendees.map((attendee) =>
        attendee.email === email ? { ...attendee, ...answer } : { ...attendee },
      ),
    );
    return `${email} ${response ?? 'proposed'} for ${occurrence.originalStart?.toISOString()}`;
  }
  const entry = organized.attendees.find((attendee) => attendee.email === email);
  if (!entry) return 'ignored: not an attendee of this meeting';
  Object.assign(entry, answer);
  store.touch(organized);
  return `${email} ${entry.response}`;
}

export function applyReply(store: EwsStore, mailbox: MailboxRecord, event: ImipEvent, now: Date): string {
  const found = answered(mailbox, event, 'REPLY');
  if (typeof found === 'string') return found;
  // A plain answer replaces any time this attendee proposed before.
  return recordAnswer(store, found.organized, event, found.email, found.response, null, now);
}

export function applyCounter(store: EwsStore, mailbox: MailboxRecord, event: ImipEvent, now: Date): string {
  const found = answered(mailbox, event, 'COUNTER');
  if (typeof found === 'string') return found;
  const { start, end } = timesOf(event);
  if (!(end > start)) return 'ignored: the proposed time ends before it starts';
  // A COUNTER left NEEDS-ACTION proposes without answering: the answer held stays (as on Graph).
  const response = found.response === 'NoResponseReceived' ? null : found.response;
  const outcome = recordAnswer(store, found.organized, event, found.email, response, { start, end }, now);
  if (outcome.startsWith('ignored')) return outcome;
  const from = found.organized.attendees.find((attendee) => attendee.email === found.email);
  fileCounterProposal(
    mailbox,
    found.organized,
    { email: found.email, name: from?.name ?? found.email },
    response ?? from?.response ?? 'Tentative',
    { start, end },
    now,
  );
  return `${outcome}, proposed ${start.toISOString()}–${end.toISOString()}`;
}
