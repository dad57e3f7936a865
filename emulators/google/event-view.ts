/**
 * Renders stored events as the API returns them, seen from one calendar: `self` flags on the
 * organiser / creator / attendee entries that are the calendar's owner, dateTimes in the event's
 * zone, `transparency` only when transparent (Google omits the default), and the minimal shapes
 * of cancelled events in lists (a deleted event is only guaranteed its id; a cancelled instance
 * carries id, recurringEventId, originalStartTime and status).
 */
import { formatRfc3339 } from './event-time';
import type { CalendarState, GDateTime, GEvent } from './types';

export type RenderedEvent = Record<string, unknown>;

export function renderEvent(
  event: GEvent,
  calendar: CalendarState,
  options: { minimalCancelled?: boolean } = {},
): RenderedEvent {
  if (event.status === 'cancelled' && options.minimalCancelled) {
    return event.recurringEventId
      ? {
          kind: 'calendar#event',
          etag: event.etag,
          id: event.id,
          status: 'cancelled',
          recurringEventId: event.recurringEventId,
          originalStartTime: renderTime(event.originalStartTime ?? event.start, calendar.timeZone),
        }
      : { kind: 'calendar#event', etag: event.etag, id: event.id, status: 'cancelled' };
  }
  const owner = calendar.ownerEmail;
  const person = (who: { email: string; displayName?: string }) => ({
    email: who.email,
    ...(who.displayName ? { displayName: who.displayName } : {}),
    ...(who.email === owner ? { self: true } : {}),
  });
  const out: RenderedEvent = {
    kind: 'calendar#event',
    etag: event.etag,
    id: event.id,
    status: event.status,
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${event.id} ${calendar.id}`).toString('base64url')}`,
    created: event.created,
    updated: event.updated,
    summary: event.summary,
    description: event.description,
    location: event.location,
    colorId: event.colorId,
    creator: person(event.creator),
    organizer: person(event.organizer),
    start: renderTime(event.start, calendar.timeZone),
    end: renderTime(event.end, calendar.timeZone),
    endTimeUnspecified: event.endTimeUnspecified,
    recurrence: event.recurrence,
    recurringEventId: event.recurringEventId,
    originalStartTime: event.originalStartTime
      ? renderTime(event.originalStartTime, calendar.timeZone)
      : undefined,
    transparency: event.transparency === 'transparent' ? 'transparent' : undefined,
    visibility: event.visibility && event.visibility !== 'default' ? event.visibility : undefined,
    iCalUID: event.iCalUID,
    sequence: event.sequence,
    attendees: event.attendees?.map((attendee) => ({
      ...attendee,
      ...(attendee.email === owner ? { self: true } : {}),
    })),
    extendedProperties: event.extendedProperties,
    hangoutLink: event.hangoutLink,
    conferenceData: event.conferenceData,
    guestsCanModify: event.guestsCanModify,
    guestsCanInviteOthers: event.guestsCanInviteOthers,
    guestsCanSeeOtherGuests: event.guestsCanSeeOtherGuests,
    source: event.source,
    reminders: event.reminders ?? { useDefault: true },
    eventType: event.eventType ?? 'default',
  };
  // Google omits absent fields rather than sending nulls.
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

function renderTime(value: GDateTime, calendarZone: string): GDateTime {
  if (value.date) return { date: value.date };
  return {
    dateTime: formatRfc3339(Date.parse(value.dateTime ?? ''), value.timeZone ?? calendarZone),
    ...(value.timeZone ? { timeZone: value.timeZone } : {}),
  };
}
