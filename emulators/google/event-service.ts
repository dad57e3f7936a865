/**
 * Event writes with Google's rules: insert, update (PUT), patch and delete, on stored events and
 * on virtual instances (writing an instance stores an exception), with If-Match, sequence,
 * iCalUID, and the organiser / guest split: the organiser's writes reach the guests' copies,
 * a guest's write only changes their own copy (answer, colour, reminders, private properties)
 * and their answer reaches the organiser. Used by the HTTP routes and by seeding alike.
 */
import { apiErrors } from './api-errors';
import {
  checkClientId,
  checkRecurrence,
  checkTimeRange,
  cleanStringMap,
  type EventBody,
  mergePatch,
  normalizeAttendees,
  normalizeTime,
} from './event-body';
import { exceptionsOf, resolveEvent } from './instances';
import {
  guestEmailsOf,
  propagateFromOrganizer,
  propagateResponse,
  type SendUpdates,
  withAnswer,
} from './propagation';
import type { GoogleStore } from './store';
import type { Account, CalendarState, GEvent, GPerson, StoredEvent } from './types';

export interface WriteTarget {
  store: GoogleStore;
  account: Account;
  calendar: CalendarState;
  sendUpdates: SendUpdates;
}

/** Who organises events created in a calendar: the owner for a primary calendar, the calendar itself otherwise. */
function organizerOf(target: WriteTarget): GPerson {
  return target.calendar.primary
    ? { email: target.account.email, displayName: target.account.name }
    : { email: target.calendar.id, displayName: target.calendar.summary };
}

export function insertEvent(target: WriteTarget, body: EventBody): StoredEvent {
  const { store, calendar } = target;
  const id = body.id ?? store.newEventId();
  if (body.id) checkClientId(body.id);
  if (calendar.events.has(id)) throw apiErrors.duplicate();
  const organizer = organizerOf(target);
  const now = store.clock.now().toISOString();
  const resource = buildOrganizerVersion(body, undefined, organizer);
  const stored = store.write(calendar, {
    ...resource,
    id,
    iCalUID: body.iCalUID ?? `${id}@google.com`,
    created: now,
    creator: { email: target.account.email, displayName: target.account.name },
  });
  propagateFromOrganizer(store, stored, [], { sendUpdates: target.sendUpdates, kind: 'invitation' });
  return stored;
}

export function writeEvent(
  target: WriteTarget,
  id: string,
  body: EventBody,
  mode: 'patch' | 'update',
  ifMatch: string | undefined,
): StoredEvent {
  const { store, calendar } = target;
  const current = currentVersion(calendar, id, ifMatch);
  const merged = (
    mode === 'patch' ? mergePatch(asRecord(current), asRecord(body)) : asRecord(body)
  ) as EventBody;

  if (current.organizer.email !== organizerOf(target).email) {
    return writeGuestCopy(target, current, merged);
  }
  const next = buildOrganizerVersion(merged, current, current.organizer);
  const stored = store.write(calendar, {
    ...next,
    id: current.id,
    iCalUID: current.iCalUID,
    created: current.created,
    creator: current.creator,
    ...(current.recurringEventId
      ? {
          recurringEventId: current.recurringEventId,
          originalStartTime: current.originalStartTime,
          recurrence: undefined,
        }
      : {}),
  });
  propagateFromOrganizer(store, stored, guestEmailsOf(current), {
    sendUpdates: target.sendUpdates,
    kind: 'update',
  });
  return stored;
}

export function deleteEvent(target: WriteTarget, id: string, ifMatch: string | undefined): void {
  const { store, calendar } = target;
  ensureNotDeleted(calendar, id);
  const current = currentVersion(calendar, id, ifMatch);
  if (current.organizer.email !== organizerOf(target).email) {
    // A guest removing the event from their calendar declines it.
    const self = target.account.email;
    const attendees = current.attendees?.map((attendee) =>
      attendee.email === self ? { ...attendee, responseStatus: 'declined' as const } : attendee,
    );
    const stored = store.write(calendar, { ...current, attendees, status: 'cancelled' });
    propagateResponse(store, self, stored.resource, target.sendUpdates);
    return;
  }
  const cancelled = store.write(calendar, {
    ...current,
    status: 'cancelled',
    sequence: current.sequence + 1,
  });
  propagateFromOrganizer(store, cancelled, guestEmailsOf(current), {
    sendUpdates: target.sendUpdates,
    kind: 'cancellation',
  });
  if (current.recurrence) {
    // The series' exceptions go with it.
    for (const exception of exceptionsOf(calendar, current.id)) {
      if (exception.resource.status === 'cancelled') continue;
      const gone = store.write(calendar, { ...exception.resource, status: 'cancelled' });
      propagateFromOrganizer(store, gone, guestEmailsOf(exception.resource), {
        sendUpdates: 'none',
        kind: 'cancellation',
      });
    }
  }
}

/** The version a write applies to; 404 when unknown, 410 when deleting twice, 412 on a stale If-Match. */
function currentVersion(calendar: CalendarState, id: string, ifMatch: string | undefined): GEvent {
  const resolved = resolveEvent(calendar, id);
  if (!resolved) throw apiErrors.notFound();
  const current = resolved.kind === 'stored' ? resolved.stored.resource : resolved.instance;
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== current.etag)
    throw apiErrors.preconditionFailed();
  return current;
}

function ensureNotDeleted(calendar: CalendarState, id: string): void {
  if (calendar.events.get(id)?.resource.status === 'cancelled') throw apiErrors.deleted();
}

/** The organiser's version from a request body (after PATCH merging), checked as Google checks it. */
function buildOrganizerVersion(
  body: EventBody,
  current: GEvent | undefined,
  organizer: GPerson,
): Omit<GEvent, 'id' | 'iCalUID' | 'created' | 'creator' | 'etag' | 'updated'> {
  const start = normalizeTime(body.start, 'start');
  const end = normalizeTime(body.end, 'end');
  const recurrence = current?.recurringEventId ? undefined : checkRecurrence(body.recurrence);
  checkTimeRange(start, end, recurrence !== undefined);

  const status = body.status ?? 'confirmed';
  let sequence = current?.sequence ?? 0;
  if (
    current &&
    significantChange(current, { start, end, recurrence, location: body.location ?? undefined, status })
  ) {
    sequence += 1;
  }
  if (body.sequence !== undefined && body.sequence !== null) {
    if (current && body.sequence < current.sequence) {
      throw apiErrors.badRequest(
        'Invalid sequence value. The specified sequence number is below the current sequence number of the resource.',
        'sequence',
      );
    }
    sequence = Math.max(sequence, body.sequence);
  }
  const privateProps = cleanStringMap(body.extendedProperties?.private);
  const sharedProps = cleanStringMap(body.extendedProperties?.shared);
  const optional = <K extends keyof EventBody>(key: K) => (body[key] === null ? undefined : body[key]);
  return {
    status,
    summary: optional('summary'),
    description: optional('description'),
    location: optional('location'),
    colorId: optional('colorId'),
    start,
    end,
    endTimeUnspecified: optional('endTimeUnspecified'),
    recurrence,
    transparency: optional('transparency'),
    visibility: optional('visibility'),
    sequence,
    attendees: normalizeAttendees(body.attendees, current?.attendees, organizer.email),
    organizer,
    extendedProperties:
      privateProps || sharedProps
        ? {
            ...(privateProps ? { private: privateProps } : {}),
            ...(sharedProps ? { shared: sharedProps } : {}),
          }
        : undefined,
    hangoutLink: current?.hangoutLink,
    conferenceData: optional('conferenceData'),
    reminders: body.reminders ? { useDefault: body.reminders.useDefault } : undefined,
    guestsCanModify: optional('guestsCanModify'),
    guestsCanInviteOthers: optional('guestsCanInviteOthers'),
    guestsCanSeeOtherGuests: optional('guestsCanSeeOtherGuests'),
    source: optional('source'),
    eventType: optional('eventType'),
  };
}

function significantChange(
  current: GEvent,
  next: Pick<GEvent, 'start' | 'end' | 'recurrence' | 'location' | 'status'>,
): boolean {
  const moved = (a: GEvent['start'], b: GEvent['start']) =>
    a.date !== b.date ||
    (a.dateTime !== undefined &&
      b.dateTime !== undefined &&
      Date.parse(a.dateTime) !== Date.parse(b.dateTime));
  return (
    moved(current.start, next.start) ||
    moved(current.end, next.end) ||
    JSON.stringify(current.recurrence ?? null) !== JSON.stringify(next.recurrence ?? null) ||
    (current.location ?? '') !== (next.location ?? '') ||
    current.status !== next.status
  );
}

/** A guest may change only their own answer and personal settings; everything else stays the organiser's. */
function writeGuestCopy(target: WriteTarget, current: GEvent, merged: EventBody): StoredEvent {
  const self = target.account.email;
  const requested = merged.attendees?.find((attendee) => attendee.email?.toLowerCase() === self);
  const attendees = current.attendees?.map((attendee) =>
    attendee.email === self && requested
      ? withAnswer(attendee, requested.responseStatus ?? attendee.responseStatus, requested.comment)
      : attendee,
  );
  const privateProps = cleanStringMap(merged.extendedProperties?.private);
  const shared = current.extendedProperties?.shared;
  const stored = target.store.write(target.calendar, {
    ...current,
    attendees,
    transparency: merged.transparency ?? current.transparency,
    colorId: merged.colorId ?? undefined,
    reminders: merged.reminders ? { useDefault: merged.reminders.useDefault } : current.reminders,
    extendedProperties:
      privateProps || shared
        ? { ...(shared ? { shared } : {}), ...(privateProps ? { private: privateProps } : {}) }
        : undefined,
  });
  propagateResponse(target.store, self, stored.resource, target.sendUpdates);
  return stored;
}

function asRecord(value: object): Record<string, unknown> {
  return value as Record<string, unknown>;
}
