import { randomBytes } from 'node:crypto';
import { cancelForAttendees, deliverToAttendees } from './attendee-copies';
import { InputError, parseRecurrence, parseTimes, type EventInput } from './event-input';
import { badRequest } from './graph-errors';
import { mailCancellation, mailOrganizerChange } from './imip-outbound';
import { occurrenceId } from './instances';
import { newChangeKey, newGraphId, type MicrosoftStore } from './store';
import type {
  AccountRecord,
  AttendeeRecord,
  CalendarRecord,
  EventContent,
  EventRecord,
  ExceptionRecord,
  InstanceView,
} from './store-types';

/** What POST / PATCH / DELETE / cancel / accept… do to the store. Routes only parse and answer. */

const NEVER = '0001-01-01T00:00:00Z';

function newICalUId(): string {
  // Exchange's Global Object Id: a fixed class id, four date bytes (zero on a master), then a unique part.
  return `040000008200E00074C5B7101A82E00800000000${randomBytes(28).toString('hex').toUpperCase()}`;
}

export function asInputError(error: unknown): never {
  if (error instanceof InputError) throw badRequest(error.code, error.message);
  throw error;
}

/** Applies the content fields present in `input` (PATCH semantics). */
function applyContent(target: EventContent, input: EventInput, current: EventContent['time']): void {
  if (input.subject !== undefined) target.subject = input.subject;
  if (input.body)
    target.body = {
      contentType: input.body.contentType.toLowerCase() === 'html' ? 'html' : 'text',
      content: input.body.content,
    };
  if (input.location) {
    target.location = input.location.displayName ?? '';
    target.locationUri = typeof input.location.locationUri === 'string' ? input.location.locationUri : '';
  }
  if (input.showAs) target.showAs = input.showAs;
  if (input.isOnlineMeeting !== undefined) target.isOnlineMeeting = input.isOnlineMeeting;
  if (input.start || input.end || input.isAllDay !== undefined) {
    const wasAllDay = current.kind === 'allDay';
    const isAllDay = input.isAllDay ?? wasAllDay;
    const start = input.start ?? currentDateTime(current, 'start');
    const end = input.end ?? currentDateTime(current, 'end');
    try {
      target.time = parseTimes(start, end, isAllDay);
    } catch (error) {
      asInputError(error);
    }
  }
  if (input.attendees) {
    const previous = new Map(target.attendees.map((a) => [a.email.toLowerCase(), a]));
    target.attendees = input.attendees.map((a) => {
      const old = previous.get(a.emailAddress.address.toLowerCase());
      return {
        email: a.emailAddress.address,
        name: a.emailAddress.name ?? old?.name ?? a.emailAddress.address,
        type: a.type ?? old?.type ?? 'required',
        response: old?.response ?? 'none',
        time: old?.time ?? NEVER,
      };
    });
  }
}

function currentDateTime(
  time: EventContent['time'],
  which: 'start' | 'end',
): { dateTime: string; timeZone: string } {
  if (time.kind === 'allDay')
    return { dateTime: `${which === 'start' ? time.startDate : time.endDate}T00:00:00`, timeZone: time.zone };
  return { dateTime: which === 'start' ? time.startUtc : time.endUtc, timeZone: 'UTC' };
}

export function createEvent(
  store: MicrosoftStore,
  owner: AccountRecord,
  calendar: CalendarRecord,
  input: EventInput,
  now = new Date(),
): { event: EventRecord; replayed: boolean } {
  if (input.transactionId) {
    const earlier = store.eventsOfOwner(owner.id).find((e) => e.transactionId === input.transactionId);
    if (earlier) return { event: earlier, replayed: true };
  }
  if (!input.start || !input.end)
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. The start and end of the event are required.",
    );
  const stamp = now.toISOString();
  const event: EventRecord = {
    id: newGraphId(),
    calendarId: calendar.id,
    ownerId: owner.id,
    iCalUId: newICalUId(),
    changeKey: newChangeKey(),
    createdAt: stamp,
    lastModified: stamp,
    isOrganizer: true,
    organizer: { email: owner.email, name: owner.displayName },
    transactionId: input.transactionId ?? null,
    extendedProperties: new Map((input.singleValueExtendedProperties ?? []).map((p) => [p.id, p.value])),
    type: 'singleInstance',
    recurrence: null,
    exceptions: new Map(),
    cancelledOccurrences: new Set(),
    sequence: 0,
    allowNewTimeProposals: input.allowNewTimeProposals ?? true,
    subject: '',
    body: { contentType: 'html', content: '' },
    location: '',
    locationUri: '',
    isOnlineMeeting: false,
    onlineMeetingUrl: null,
    showAs: 'busy',
    time: { kind: 'timed', startUtc: stamp, endUtc: stamp, startZone: 'UTC', endZone: 'UTC' },
    isCancelled: false,
    attendees: [],
    responseStatus: { response: 'organizer', time: NEVER },
  };
  applyContent(event, input, event.time);
  if (input.recurrence) {
    try {
      event.recurrence = parseRecurrence(input.recurrence);
    } catch (error) {
      asInputError(error);
    }
    event.type = 'seriesMaster';
  }
  if (event.isOnlineMeeting)
    event.onlineMeetingUrl = `https://teams.microsoft.com/l/meetup-join/${event.id.slice(5, 21)}`;
  store.saveEvent(event, 'created', now);
  deliverToAttendees(store, event, now);
  mailOrganizerChange(store, event, 'invitation', [], now);
  return { event, replayed: false };
}

export function exceptionFor(view: InstanceView, now: string): ExceptionRecord {
  const key = view.originalStartKey ?? '';
  const existing = view.master.exceptions.get(key);
  if (existing) return existing;
  const { master } = view;
  return {
    id: occurrenceId(master.id, key),
    changeKey: newChangeKey(),
    lastModified: now,
    originalStartUtc: key,
    subject: master.subject,
    body: master.body,
    location: master.location,
    locationUri: master.locationUri,
    isOnlineMeeting: master.isOnlineMeeting,
    onlineMeetingUrl: master.onlineMeetingUrl,
    showAs: master.showAs,
    time: view.content.time,
    isCancelled: false,
    attendees: master.attendees.map((a) => ({ ...a })),
    responseStatus: { ...master.responseStatus },
  };
}

/** The instants an event occupies, whatever zone they were written in. */
function instants(time: EventContent['time']): string {
  return time.kind === 'allDay' ? `${time.startDate}/${time.endDate}` : `${time.startUtc}/${time.endUtc}`;
}

/**
 * A significant change (MS-OXOCAL 3.1.4.7.3.1: start, end or recurrence pattern) makes Outlook send
 * a full update and clear the responses tallied so far (3.1.4.7.3.2): every attendee answers again.
 */
function clearTalliedResponses(target: { attendees: AttendeeRecord[] }): void {
  for (const attendee of target.attendees) {
    attendee.response = 'none';
    attendee.time = NEVER;
    delete attendee.proposedNewTime;
  }
}

export function updateEvent(
  store: MicrosoftStore,
  view: InstanceView,
  input: EventInput,
  now = new Date(),
): void {
  const { master } = view;
  const previousAttendees = master.attendees.map((a) => ({ ...a }));
  /** What the organiser's full update asks attendees to answer again: the series, or one occurrence. */
  let askAgain: { series: boolean; occurrence: string | null } = { series: false, occurrence: null };
  if (view.type === 'occurrence' || view.type === 'exception') {
    if (input.recurrence)
      throw badRequest('ErrorInvalidRequest', 'Recurrence can only be set on a series master.');
    const exception = exceptionFor(view, now.toISOString());
    const before = instants(exception.time);
    applyContent(exception, input, exception.time);
    exception.changeKey = newChangeKey();
    exception.lastModified = now.toISOString();
    master.exceptions.set(view.originalStartKey ?? '', exception);
    if (master.isOrganizer && instants(exception.time) !== before) {
      clearTalliedResponses(exception);
      askAgain = { series: false, occurrence: view.originalStartKey ?? '' };
    }
  } else {
    const before = instants(master.time);
    const recurrenceBefore = JSON.stringify(master.recurrence);
    applyContent(master, input, master.time);
    if (input.allowNewTimeProposals !== undefined) master.allowNewTimeProposals = input.allowNewTimeProposals;
    if (input.singleValueExtendedProperties) {
      for (const property of input.singleValueExtendedProperties)
        master.extendedProperties.set(property.id, property.value);
    }
    if (input.recurrence !== undefined) {
      try {
        master.recurrence = input.recurrence ? parseRecurrence(input.recurrence) : null;
      } catch (error) {
        asInputError(error);
      }
      master.type = master.recurrence ? 'seriesMaster' : 'singleInstance';
      // Changing the pattern drops the series' exceptions, as Outlook does.
      master.exceptions.clear();
      master.cancelledOccurrences.clear();
    }
    if (
      master.isOrganizer &&
      (instants(master.time) !== before || JSON.stringify(master.recurrence) !== recurrenceBefore)
    ) {
      clearTalliedResponses(master);
      askAgain = { series: true, occurrence: null };
    }
  }
  store.saveEvent(master, 'updated', now);
  if (master.isOrganizer) {
    deliverToAttendees(store, master, now, askAgain);
    mailOrganizerChange(store, master, 'update', previousAttendees, now);
  }
}

/** DELETE: an occurrence leaves its series; an organiser's event takes the attendee copies along. */
export function deleteEvent(store: MicrosoftStore, view: InstanceView, now = new Date()): void {
  const { master } = view;
  if (view.type === 'occurrence' || view.type === 'exception') {
    const key = view.originalStartKey ?? '';
    master.exceptions.delete(key);
    master.cancelledOccurrences.add(key);
    store.saveEvent(master, 'updated', now);
    if (master.isOrganizer) {
      deliverToAttendees(store, master, now);
      mailCancellation(store, master, key, now);
    }
    return;
  }
  if (master.isOrganizer && master.attendees.length > 0) {
    cancelForAttendees(store, master, now);
    master.sequence += 1;
    mailCancellation(store, master, null, now);
  }
  store.deleteEvent(master);
}

export function cancelEvent(store: MicrosoftStore, view: InstanceView, now = new Date()): void {
  if (!view.master.isOrganizer) {
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. You need to be an organizer to cancel a meeting.",
    );
  }
  deleteEvent(store, view, now);
}
