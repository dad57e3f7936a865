import { EwsError, type EwsStore } from './store';
import { occurrenceAt, type ItemView } from './occurrences';
import type { AttendeeRecord, MailboxRecord, OccurrenceOverride } from './store-types';

/**
 * An attendee's AcceptItem / TentativelyAcceptItem / DeclineItem whose ReferenceItemId names one
 * occurrence of a series: it answers that occurrence alone. On the attendee's copy the occurrence
 * becomes an exception with their response or, declined, a deleted occurrence (Exchange takes a
 * declined meeting out of the calendar, as for a whole series). On the organiser's item the
 * occurrence's exception — made now if it had none — records the answer in its own recipient rows,
 * the series' rows keeping the series' answer: PidTagRecipientFlags' recipExceptionalResponse
 * ("the attendee gave a response for the exception on which this RecipientRow resides", only on an
 * exception of the organiser's meeting object; Outlook MAPI reference). Both masters change:
 * SyncFolderItems reports the master, not the occurrence.
 */
export function respondToOccurrence(
  store: EwsStore,
  mailbox: MailboxRecord,
  view: ItemView,
  response: 'Accept' | 'Tentative' | 'Decline',
): void {
  const { item: copy, originalStart } = view;
  if (!originalStart) throw new Error('respondToOccurrence needs an occurrence');
  if (view.myResponse === 'Organizer')
    throw new EwsError(
      'ErrorCalendarIsOrganizerForAccept',
      'The organizer cannot accept, decline or tentatively accept.',
    );
  const key = originalStart.toISOString();
  const now = new Date();
  const answered = (attendees: AttendeeRecord[]) =>
    attendees.map((attendee) =>
      attendee.email === mailbox.email ? { ...attendee, response, lastResponseTime: now } : { ...attendee },
    );

  if (response === 'Decline') {
    copy.modified.delete(key);
    copy.deleted.add(key);
    store.touch(copy);
  } else {
    store.touch(copy);
    copy.modified.set(key, {
      ...overrideOf(view),
      changeKey: copy.changeKey,
      myResponse: response,
      attendees: answered(view.attendees),
    });
  }

  const organizer = store.mailbox(copy.organizer.email);
  const original = organizer && [...organizer.items.values()].find((item) => item.uid === copy.uid);
  const occurrence = original ? occurrenceAt(original, key) : null;
  if (!original || !occurrence) {
    store.outside({
      method: 'REPLY',
      from: { email: mailbox.email, name: mailbox.name },
      to: copy.organizer,
      item: copy,
      response,
    });
    return;
  }
  recordExceptionalAnswer(store, occurrence, answered(occurrence.attendees));
}

/**
 * On the organiser's item: the occurrence's exception (made now if it had none) with `attendees`
 * as its own recipient rows, the series keeping its own (recipExceptionalResponse, see above).
 */
export function recordExceptionalAnswer(
  store: EwsStore,
  occurrence: ItemView,
  attendees: AttendeeRecord[],
): void {
  const original = occurrence.item;
  store.touch(original);
  original.modified.set(occurrence.originalStart?.toISOString() ?? '', {
    ...overrideOf(occurrence),
    changeKey: original.changeKey,
    attendees,
  });
}

/** The occurrence's own fields as an exception keeps them. */
function overrideOf(view: ItemView): OccurrenceOverride {
  const existing = view.item.modified.get(view.originalStart?.toISOString() ?? '');
  return {
    ...existing,
    start: view.start,
    end: view.end,
    subject: view.subject,
    location: view.location,
    body: view.body,
    changeKey: view.changeKey,
    lastModified: new Date(),
  };
}
