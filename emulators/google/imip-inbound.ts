/**
 * iMIP email arriving at a Gmail address, applied as Gmail does with "invitations from other
 * calendars" (Google Calendar Help, "Add invitations to your calendar"): a REQUEST for a new UID
 * adds the event to the addressee's primary calendar (same iCalUID, the addressee needs action,
 * the organiser as given); a later REQUEST (higher SEQUENCE, RFC 5546 §2.1.5) updates it; a
 * CANCEL cancels the addressee's copy (or one occurrence, by RECURRENCE-ID); a REPLY updates that
 * attendee on the organiser's own event, keeping the comment on the attendee. Google has no
 * counter-proposals in its API: a COUNTER is ignored. Every change goes through `store.write`, so
 * it shows in sync tokens and push notifications like an API write.
 */
import type { ImipCalendar, ImipEvent } from '../shared/imip';
import { instanceSuffix } from './event-time';
import { attendeesFrom, googleTimes, originalStartOf, responseOf } from './imip-mapping';
import { resolveEvent } from './instances';
import { guestEmailsOf, propagateFromOrganizer, withAnswer } from './propagation';
import type { GoogleStore } from './store';
import type { CalendarState, GEvent, StoredEvent } from './types';

export function applyImipToGoogle(store: GoogleStore, recipient: string, message: ImipCalendar): string {
  const calendar = store.primaryCalendar(recipient);
  if (!calendar) return 'ignored: no such account';
  const outcomes = message.events.map((event) => {
    switch (message.method) {
      case 'REQUEST':
        return applyRequest(store, calendar, recipient, event);
      case 'CANCEL':
        return applyCancel(store, calendar, event);
      case 'REPLY':
        return applyReply(store, calendar, recipient, event);
      case 'COUNTER':
        return 'ignored: Google Calendar does not take counter-proposals';
    }
  });
  return outcomes.join('; ');
}

function masterByUid(calendar: CalendarState, uid: string): StoredEvent | undefined {
  for (const stored of calendar.events.values())
    if (stored.resource.iCalUID === uid && !stored.resource.recurringEventId) return stored;
  return undefined;
}

function occurrenceTarget(
  calendar: CalendarState,
  master: StoredEvent,
  event: ImipEvent,
): { id: string; current: GEvent | undefined } | null {
  if (!event.recurrenceId) return null;
  const id = `${master.resource.id}_${instanceSuffix(originalStartOf(event.recurrenceId))}`;
  const resolved = resolveEvent(calendar, id);
  const current = resolved?.kind === 'stored' ? resolved.stored.resource : resolved?.instance;
  return { id, current };
}

function applyRequest(
  store: GoogleStore,
  calendar: CalendarState,
  recipient: string,
  event: ImipEvent,
): string {
  if (!event.attendees.some((attendee) => attendee.email === recipient))
    return 'ignored: the addressee is not an attendee';
  const master = masterByUid(calendar, event.uid);
  const occurrence = master ? occurrenceTarget(calendar, master, event) : null;
  const existing = occurrence ? occurrence.current : master?.resource;
  if (existing && existing.status !== 'cancelled' && event.sequence <= existing.sequence)
    return `ignored: SEQUENCE ${event.sequence} is not newer than ${existing.sequence}`;
  if (existing && existing.status === 'cancelled' && event.sequence < existing.sequence)
    return 'ignored: older than the cancellation';
  const now = store.clock.now().toISOString();
  const { start, end } = googleTimes(event);
  const id = occurrence?.id ?? existing?.id ?? store.newEventId();
  const base: Omit<GEvent, 'etag' | 'updated'> = {
    ...(existing ?? {}),
    id,
    iCalUID: event.uid,
    status: event.status === 'TENTATIVE' ? 'tentative' : 'confirmed',
    summary: event.summary,
    description: event.description,
    location: event.location,
    start,
    end,
    sequence: event.sequence,
    organizer: {
      email: event.organizer.email,
      ...(event.organizer.name ? { displayName: event.organizer.name } : {}),
    },
    creator: existing?.creator ?? { email: event.organizer.email },
    attendees: attendeesFrom(event, recipient, existing),
    created: existing?.created ?? now,
    transparency: existing?.transparency ?? (event.transparent ? 'transparent' : 'opaque'),
  };
  if (occurrence && master) {
    store.write(calendar, {
      ...base,
      recurringEventId: master.resource.id,
      originalStartTime: originalStartOf(event.recurrenceId ?? { kind: 'allDay', date: '' }),
      recurrence: undefined,
    });
    return existing ? 'occurrence updated' : 'occurrence added';
  }
  store.write(calendar, { ...base, recurrence: event.recurrence });
  return existing ? 'updated' : 'added as needs action';
}

function applyCancel(store: GoogleStore, calendar: CalendarState, event: ImipEvent): string {
  const master = masterByUid(calendar, event.uid);
  if (!master) return 'ignored: unknown UID';
  if (master.resource.organizer.email !== event.organizer.email)
    return 'ignored: not from the organiser of record';
  const occurrence = occurrenceTarget(calendar, master, event);
  if (occurrence) {
    const current = occurrence.current;
    if (!current) return 'ignored: no such occurrence';
    if (current.status === 'cancelled') return 'ignored: already cancelled';
    store.write(calendar, {
      ...current,
      id: occurrence.id,
      status: 'cancelled',
      sequence: Math.max(current.sequence, event.sequence),
    });
    return 'occurrence cancelled';
  }
  if (master.resource.status === 'cancelled') return 'ignored: already cancelled';
  if (event.sequence < master.resource.sequence) return 'ignored: older than the current version';
  store.write(calendar, { ...master.resource, status: 'cancelled', sequence: event.sequence });
  for (const stored of [...calendar.events.values()]) {
    if (stored.resource.recurringEventId !== master.resource.id || stored.resource.status === 'cancelled')
      continue;
    store.write(calendar, { ...stored.resource, status: 'cancelled' });
  }
  return 'cancelled';
}

function applyReply(
  store: GoogleStore,
  calendar: CalendarState,
  recipient: string,
  event: ImipEvent,
): string {
  const master = masterByUid(calendar, event.uid);
  if (!master) return 'ignored: unknown UID';
  if (master.resource.organizer.email !== recipient)
    return 'ignored: the addressee does not organise this event';
  const answer = event.attendees[0];
  if (!answer || event.attendees.length !== 1) return 'ignored: a REPLY names exactly one attendee';
  const occurrence = occurrenceTarget(calendar, master, event);
  const target = occurrence ? occurrence.current : master.resource;
  if (!target) return 'ignored: no such occurrence';
  const entry = target.attendees?.find((attendee) => attendee.email === answer.email);
  if (!entry) return 'ignored: not an attendee of this event';
  const attendees = (target.attendees ?? []).map((attendee) =>
    attendee.email === answer.email
      ? withAnswer(attendee, responseOf(answer.partstat), event.comment)
      : attendee,
  );
  const updated = store.write(calendar, {
    ...target,
    ...(occurrence ? { id: occurrence.id } : {}),
    attendees,
  });
  // The organiser's other Google guests see the answer on their copies too.
  propagateFromOrganizer(store, updated, guestEmailsOf(updated.resource), {
    sendUpdates: 'none',
    kind: 'update',
    skip: answer.email,
  });
  return `${answer.email} ${responseOf(answer.partstat)}`;
}
