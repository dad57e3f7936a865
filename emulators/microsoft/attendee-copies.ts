import { newChangeKey, newGraphId, type MicrosoftStore } from './store';
import type {
  AccountRecord,
  AttendeeRecord,
  EventRecord,
  ExceptionRecord,
  ResponseKind,
} from './store-types';
import { instantsOf, occurrenceId } from './instances';

/**
 * Server-side scheduling between emulated mailboxes, as Exchange does it: an organiser's write
 * lands as a copy (same iCalUId) in each invited mailbox; an attendee's answer lands on the
 * organiser's copy; a cancellation marks the copies cancelled.
 */

const NEVER = '0001-01-01T00:00:00Z';

/** The organiser's full update asks again (event-writes.ts): for the whole series, or one occurrence. */
export interface AskAgain {
  series: boolean;
  occurrence: string | null;
}

const NO_ANSWER = { response: 'notResponded', time: NEVER } as const;

function copyExceptions(
  source: EventRecord,
  copyId: string,
  keep: Map<string, ExceptionRecord>,
  askAgain: AskAgain,
): Map<string, ExceptionRecord> {
  const copies = new Map<string, ExceptionRecord>();
  for (const [key, exception] of source.exceptions) {
    const previous = askAgain.series || askAgain.occurrence === key ? undefined : keep.get(key);
    copies.set(key, {
      ...exception,
      id: occurrenceId(copyId, key),
      responseStatus: previous?.responseStatus ?? { ...NO_ANSWER },
      showAs: previous?.showAs ?? 'tentative',
    });
  }
  return copies;
}

function newCopy(
  organizerEvent: EventRecord,
  attendee: AccountRecord,
  calendarId: string,
  now: string,
): EventRecord {
  const id = newGraphId();
  return {
    ...organizerEvent,
    id,
    calendarId,
    ownerId: attendee.id,
    createdAt: now,
    lastModified: now,
    isOrganizer: false,
    transactionId: null,
    // Extended properties belong to the item they were written on; invitations do not carry them.
    extendedProperties: new Map(),
    attendees: organizerEvent.attendees.map((a) => ({ ...a })),
    responseStatus: { ...NO_ANSWER },
    showAs: 'tentative',
    exceptions: copyExceptions(organizerEvent, id, new Map(), { series: false, occurrence: null }),
    cancelledOccurrences: new Set(organizerEvent.cancelledOccurrences),
  };
}

function isInvited(event: EventRecord, email: string): boolean {
  return event.attendees.some((a) => a.email.toLowerCase() === email.toLowerCase());
}

/**
 * Creates or refreshes every invited mailbox's copy; cancels copies of attendees who were removed.
 * A full update (`askAgain`) sets the attendee's own answer back to not responded: Outlook ignores
 * answers given to the earlier time (Outlook's "full update"; MS-OXOCAL 3.1.4.7.3.1).
 */
export function deliverToAttendees(
  store: MicrosoftStore,
  organizerEvent: EventRecord,
  now = new Date(),
  askAgain: AskAgain = { series: false, occurrence: null },
): void {
  const stamp = now.toISOString();
  for (const attendee of organizerEvent.attendees) {
    const account = store.accountByIdOrEmail(attendee.email);
    if (!account || account.id === organizerEvent.ownerId) continue;
    const existing = store.findByICalUId(account.id, organizerEvent.iCalUId);
    if (!existing) {
      const calendar = store.defaultCalendar(account.id);
      if (!calendar) continue;
      store.saveEvent(newCopy(organizerEvent, account, calendar.id, stamp), 'created', now);
      continue;
    }
    Object.assign(existing, {
      subject: organizerEvent.subject,
      body: organizerEvent.body,
      location: organizerEvent.location,
      locationUri: organizerEvent.locationUri,
      isOnlineMeeting: organizerEvent.isOnlineMeeting,
      onlineMeetingUrl: organizerEvent.onlineMeetingUrl,
      time: organizerEvent.time,
      isCancelled: organizerEvent.isCancelled,
      attendees: organizerEvent.attendees.map((a) => ({ ...a })),
      type: organizerEvent.type,
      recurrence: organizerEvent.recurrence,
      exceptions: copyExceptions(organizerEvent, existing.id, existing.exceptions, askAgain),
      cancelledOccurrences: new Set(organizerEvent.cancelledOccurrences),
      allowNewTimeProposals: organizerEvent.allowNewTimeProposals,
    });
    if (askAgain.series) Object.assign(existing, { responseStatus: { ...NO_ANSWER }, showAs: 'tentative' });
    store.saveEvent(existing, 'updated', now);
  }
  for (const event of [...store.events.values()]) {
    if (event.iCalUId !== organizerEvent.iCalUId || event.id === organizerEvent.id || event.isCancelled)
      continue;
    const owner = store.accounts.get(event.ownerId);
    if (owner && !isInvited(organizerEvent, owner.email)) {
      event.isCancelled = true;
      event.subject = `Canceled: ${event.subject}`;
      store.saveEvent(event, 'updated', now);
    }
  }
}

/**
 * The organiser cancelled the whole meeting: every attendee copy shows it cancelled, and so does
 * each of a series' exceptions not yet started — the organiser's client follows the series'
 * cancellation with one for each such exception (MS-OXOCAL 3.1.4.9.1.2 "Cancelling a Recurring
 * Series", learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxocal/2ae20b1f-9889-4eb3-a9fc-fbf9c9b9ff7e).
 */
export function cancelForAttendees(
  store: MicrosoftStore,
  organizerEvent: EventRecord,
  now = new Date(),
): void {
  const stamp = now.toISOString();
  for (const event of [...store.events.values()]) {
    if (event.iCalUId !== organizerEvent.iCalUId || event.id === organizerEvent.id || event.isCancelled)
      continue;
    event.isCancelled = true;
    event.subject = `Canceled: ${event.subject}`;
    for (const exception of event.exceptions.values()) {
      if (exception.isCancelled || instantsOf(exception.time, 'UTC').start.toMillis() <= now.getTime())
        continue;
      Object.assign(exception, {
        isCancelled: true,
        subject: `Canceled: ${exception.subject}`,
        changeKey: newChangeKey(),
        lastModified: stamp,
      });
    }
    store.saveEvent(event, 'updated', now);
  }
}

/**
 * An attendee answered: the organiser's copy (series or one occurrence) records it, with the new
 * time they proposed, if any (an answer without one withdraws an earlier proposal).
 */
export function reflectResponse(
  store: MicrosoftStore,
  attendeeEvent: EventRecord,
  attendeeEmail: string,
  answer: { response: ResponseKind; proposedNewTime: AttendeeRecord['proposedNewTime'] },
  occurrenceKey: string | null,
  now = new Date(),
): void {
  const organizer = store.accountByIdOrEmail(attendeeEvent.organizer.email);
  if (!organizer) return;
  const organizerEvent = store.findByICalUId(organizer.id, attendeeEvent.iCalUId);
  if (!organizerEvent) return;
  const target = occurrenceKey ? organizerEvent.exceptions.get(occurrenceKey) : organizerEvent;
  const attendees = target ? target.attendees : organizerEvent.attendees;
  const entry = attendees.find((a) => a.email.toLowerCase() === attendeeEmail.toLowerCase());
  if (!entry) return;
  entry.response = answer.response;
  entry.time = now.toISOString();
  if (answer.proposedNewTime) entry.proposedNewTime = answer.proposedNewTime;
  else delete entry.proposedNewTime;
  store.saveEvent(organizerEvent, 'updated', now);
}
