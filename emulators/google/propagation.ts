/**
 * Invitations between emulated accounts, as Google does it: an attendee who is another account
 * gets their own copy of the event (same id and iCalUID) in their primary calendar; organiser
 * changes and cancellations are copied to it; the attendee's answer on their copy is written
 * back to the organiser's copy (and from there to the other guests' copies).
 * Google adds invitations to guests' calendars whatever `sendUpdates` says; `sendUpdates` only
 * decides the notification emails, which the emulator records in the store's outbox.
 */
import { organizerImip, replyImip } from './imip-outbound';
import type { GoogleStore } from './store';
import type { CalendarState, GAttendee, GEvent, StoredEvent } from './types';

export type SendUpdates = 'all' | 'externalOnly' | 'none';

/** Fields each guest's copy keeps for itself rather than taking from the organiser. */
function personalFields(copy: GEvent | undefined): Partial<GEvent> {
  if (!copy) return {};
  const { transparency, colorId, reminders } = copy;
  const privateProps = copy.extendedProperties?.private;
  return {
    ...(transparency ? { transparency } : {}),
    ...(colorId ? { colorId } : {}),
    ...(reminders ? { reminders } : {}),
    ...(privateProps ? { extendedProperties: { private: privateProps } } : {}),
  };
}

function guestCopy(organizerEvent: GEvent, existing: GEvent | undefined): Omit<GEvent, 'etag' | 'updated'> {
  const {
    etag: _etag,
    updated: _updated,
    extendedProperties,
    transparency: _t,
    colorId: _c,
    reminders: _r,
    ...shared
  } = organizerEvent;
  const personal = personalFields(existing);
  const sharedProps = extendedProperties?.shared;
  return {
    ...shared,
    ...personal,
    ...(sharedProps || personal.extendedProperties
      ? {
          extendedProperties: {
            ...(sharedProps ? { shared: sharedProps } : {}),
            ...personal.extendedProperties,
          },
        }
      : {}),
  };
}

/** Comparable content of a copy, ignoring its bookkeeping, to avoid writing unchanged copies. */
function sameContent(a: Omit<GEvent, 'etag' | 'updated'>, b: GEvent): boolean {
  const { etag: _e, updated: _u, ...rest } = b;
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(rest));
}

function sortKeys(value: object): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
          )
        : v,
    ),
  );
}

/**
 * After the organiser wrote `stored`: create, update or cancel each emulated guest's copy.
 * `previousGuests` are the attendee emails before the write (removed guests lose their copy).
 */
export function propagateFromOrganizer(
  store: GoogleStore,
  stored: StoredEvent,
  previousGuests: string[],
  options: { sendUpdates: SendUpdates; kind: 'invitation' | 'update' | 'cancellation'; skip?: string },
): void {
  const event = stored.resource;
  const organizer = event.organizer.email;
  const guests = (event.attendees ?? [])
    .map((attendee) => attendee.email)
    .filter((email) => email !== organizer);
  const cancelled = event.status === 'cancelled';

  for (const email of guests) {
    if (email === options.skip) continue;
    const calendar = store.primaryCalendar(email);
    if (!calendar) continue;
    const existing = calendar.events.get(event.id)?.resource;
    const copy = guestCopy(event, existing);
    if (existing && sameContent(copy, existing)) continue;
    // A cancelled instance of a series the guest holds only virtually still cancels it there.
    if (!existing && cancelled && !event.recurringEventId) continue;
    store.write(calendar, copy);
  }
  for (const email of previousGuests) {
    if (guests.includes(email) || email === organizer) continue;
    cancelCopy(store, store.primaryCalendar(email), event.id);
    notify(store, options.sendUpdates, event, email, 'cancellation');
  }
  for (const email of guests)
    notify(store, options.sendUpdates, event, email, cancelled ? 'cancellation' : options.kind);
}

function cancelCopy(store: GoogleStore, calendar: CalendarState | undefined, id: string): void {
  const copy = calendar?.events.get(id);
  if (!calendar || !copy || copy.resource.status === 'cancelled') return;
  store.write(calendar, { ...copy.resource, status: 'cancelled' });
}

/**
 * After a guest answered on their copy: the organiser's copy takes the answer, and the other
 * guests' copies follow. The organiser is told when the guest asked for notifications.
 */
export function propagateResponse(
  store: GoogleStore,
  guestEmail: string,
  copy: GEvent,
  sendUpdates: SendUpdates,
): void {
  // A primary calendar's id is its owner's email; a secondary calendar organises as itself.
  const organizerCalendar = store.calendars.get(copy.organizer.email);
  const organizerEvent = organizerCalendar?.events.get(copy.id);
  const answer = copy.attendees?.find((attendee) => attendee.email === guestEmail);
  if (!organizerCalendar && answer && sendUpdates !== 'none') {
    // The organiser is elsewhere (the invitation came by email): the answer goes back as an iMIP REPLY
    // (removing the copy from the calendar declines, so that one is sent too).
    store.send({
      kind: 'reply',
      from: guestEmail,
      to: copy.organizer.email,
      eventId: copy.id,
      iCalUID: copy.iCalUID,
      summary: copy.summary,
      imip: replyImip(store, copy, answer),
    });
    return;
  }
  if (!organizerCalendar || !organizerEvent || !answer || organizerEvent.resource.status === 'cancelled')
    return;
  const attendees = (organizerEvent.resource.attendees ?? []).map((attendee) =>
    attendee.email === guestEmail ? withAnswer(attendee, answer.responseStatus, answer.comment) : attendee,
  );
  const before = JSON.stringify(organizerEvent.resource.attendees);
  if (JSON.stringify(attendees) === before) return;
  const updated = store.write(organizerCalendar, { ...organizerEvent.resource, attendees });
  propagateFromOrganizer(store, updated, guestEmailsOf(updated.resource), {
    sendUpdates: 'none',
    kind: 'update',
    skip: guestEmail,
  });
  if (sendUpdates !== 'none') {
    store.send({
      kind: 'reply',
      from: guestEmail,
      to: copy.organizer.email,
      eventId: copy.id,
      iCalUID: copy.iCalUID,
      summary: copy.summary,
    });
  }
}

/** An attendee's entry with a new answer; the comment is the answer's own, so none clears an old one. */
export function withAnswer(
  attendee: GAttendee,
  responseStatus: GAttendee['responseStatus'],
  comment: string | null | undefined,
): GAttendee {
  const { comment: _previous, ...rest } = attendee;
  return { ...rest, responseStatus, ...(comment ? { comment } : {}) };
}

export function guestEmailsOf(event: GEvent | undefined): string[] {
  return (event?.attendees ?? [])
    .map((attendee) => attendee.email)
    .filter((email) => email !== event?.organizer.email);
}

function notify(
  store: GoogleStore,
  sendUpdates: SendUpdates,
  event: GEvent,
  to: string,
  kind: 'invitation' | 'update' | 'cancellation',
): void {
  if (sendUpdates === 'none') return;
  const hosted = store.accounts.has(to);
  if (sendUpdates === 'externalOnly' && hosted) return;
  store.send({
    kind,
    from: event.organizer.email,
    to,
    eventId: event.id,
    iCalUID: event.iCalUID,
    summary: event.summary,
    ...(hosted ? {} : { imip: organizerImip(store, event, kind) }),
  });
}
