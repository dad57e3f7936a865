/**
 * Google Calendar event resources ↔ the normalised shapes of ../types.ts.
 * Our tag lives in `extendedProperties.private.tandemMeetingId` (private to the organiser's copy;
 * guests' copies are matched by iCalUID). An online meeting URL we set goes in
 * `extendedProperties.shared.tandemOnlineUrl` because Google's `hangoutLink` is read-only.
 */
import type {
  AttendeeResponse,
  EventChange,
  EventTime,
  EventWrite,
  ProviderAttendee,
  ProviderEvent,
  ShowAs,
} from '../types';
import type { calendar_v3 } from './sdk';

type GEvent = calendar_v3.Schema$Event;
type GDateTime = calendar_v3.Schema$EventDateTime;

export const TAG_PROPERTY = 'tandemMeetingId';
export const ONLINE_URL_PROPERTY = 'tandemOnlineUrl';

const RESPONSES: Record<string, AttendeeResponse> = {
  needsAction: 'needs_action',
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentative',
};

/** A list item as a change: deletions become `removed`; a cancelled instance stays an upsert of a cancelled exception. */
export function toChange(event: GEvent): EventChange {
  if (event.status === 'cancelled' && !event.recurringEventId)
    return { type: 'removed', externalId: event.id ?? '' };
  return { type: 'upsert', event: toProviderEvent(event) };
}

export function toProviderEvent(event: GEvent): ProviderEvent {
  const time = event.start
    ? toEventTime(event.start, event.end ?? event.start)
    : cancelledInstanceTime(event);
  const privateProps = event.extendedProperties?.private ?? {};
  const sharedProps = event.extendedProperties?.shared ?? {};
  const attendees = (event.attendees ?? []).map(toAttendee);
  const self = attendees.find((attendee) => attendee.isSelf);
  return {
    externalId: event.id ?? '',
    iCalUid: event.iCalUID ?? null,
    etag: event.etag ?? null,
    status:
      event.status === 'cancelled' ? 'cancelled' : event.status === 'tentative' ? 'tentative' : 'confirmed',
    title: event.summary ?? null,
    description: event.description ?? null,
    location: event.location ?? null,
    onlineUrl: event.hangoutLink ?? videoEntryPoint(event) ?? sharedProps[ONLINE_URL_PROPERTY] ?? null,
    time,
    recurrence: event.recurrence && event.recurrence.length > 0 ? event.recurrence : null,
    seriesExternalId: event.recurringEventId ?? null,
    originalStart: event.originalStartTime ? originalStart(event.originalStartTime, time) : null,
    transparency: event.transparency === 'transparent' ? 'transparent' : 'opaque',
    showAs: showAs(event, self),
    organizer: event.organizer?.email
      ? { email: event.organizer.email, name: event.organizer.displayName ?? null }
      : null,
    attendees,
    sequence: event.sequence ?? null,
    updatedAt: event.updated ? new Date(event.updated) : null,
    tandemMeetingId: privateProps[TAG_PROPERTY] ?? null,
  };
}

/**
 * The request body for insert / patch. Nulls clear fields on PATCH (Google's merge semantics).
 * Attendees go without a responseStatus, so Google keeps each one's answer — except, on a patch
 * that `moves` the event, those Tandem asks to answer again (`answerAgain`): the organiser may
 * set attendees' responseStatus on their own copy, and Google would otherwise keep an answer to
 * the old time through the move.
 */
export function toGoogleBody(write: EventWrite, forPatch: boolean, moves = false): GEvent {
  const needsZone = write.recurrence !== null && write.recurrence.length > 0;
  const body: GEvent = {
    summary: write.title,
    description: write.description,
    location: write.location,
    start: toGoogleTime(write.time, 'start', needsZone),
    end: toGoogleTime(write.time, 'end', needsZone),
    attendees: write.attendees.map((attendee) => ({
      email: attendee.email,
      ...(attendee.name ? { displayName: attendee.name } : {}),
      ...(attendee.isOptional ? { optional: true } : {}),
      ...(forPatch && moves && attendee.answerAgain ? { responseStatus: 'needsAction' } : {}),
    })),
  };
  if (write.recurrence && write.recurrence.length > 0) body.recurrence = write.recurrence;
  else if (forPatch) body.recurrence = null;
  // The SDK types these maps as string-valued; a null value is how a PATCH removes a key.
  const privateProps = { [TAG_PROPERTY]: write.tandemMeetingId } as Record<string, string>;
  const sharedProps = { [ONLINE_URL_PROPERTY]: write.onlineUrl } as Record<string, string>;
  if (forPatch || write.tandemMeetingId !== null || write.onlineUrl !== null) {
    body.extendedProperties = {
      ...(forPatch || write.tandemMeetingId !== null ? { private: privateProps } : {}),
      ...(forPatch || write.onlineUrl !== null ? { shared: sharedProps } : {}),
    };
  }
  if (!forPatch) {
    if (body.description === null) delete body.description;
    if (body.location === null) delete body.location;
  }
  return body;
}

function toGoogleTime(time: EventTime, which: 'start' | 'end', needsZone: boolean): GDateTime {
  if (time.kind === 'allDay') {
    // Explicit nulls so that a PATCH turning a timed event into an all-day one drops the old fields.
    return { date: which === 'start' ? time.startDate : time.endDate, dateTime: null, timeZone: null };
  }
  const instant = which === 'start' ? time.start : time.end;
  // Google needs a zone to expand a timed series; UTC when the caller has none.
  const timeZone = time.timeZone ?? (needsZone ? 'UTC' : null);
  return { dateTime: instant.toISOString(), timeZone, date: null };
}

function toEventTime(start: GDateTime, end: GDateTime): EventTime {
  if (start.date)
    return { kind: 'allDay', startDate: start.date, endDate: end.date ?? addDays(start.date, 1) };
  const startDate = new Date(start.dateTime ?? 0);
  return {
    kind: 'timed',
    start: startDate,
    end: end.dateTime ? new Date(end.dateTime) : startDate,
    timeZone: start.timeZone ?? null,
  };
}

/** A cancelled instance comes with only its originalStartTime: it stands for its own time. */
function cancelledInstanceTime(event: GEvent): EventTime {
  const original = event.originalStartTime ?? {};
  if (original.date) return { kind: 'allDay', startDate: original.date, endDate: addDays(original.date, 1) };
  const at = new Date(original.dateTime ?? 0);
  return { kind: 'timed', start: at, end: at, timeZone: original.timeZone ?? null };
}

/** RECURRENCE-ID as an EventTime: the original start, with the instance's own length. */
function originalStart(original: GDateTime, time: EventTime): EventTime {
  if (original.date) {
    const days = time.kind === 'allDay' ? daysBetween(time.startDate, time.endDate) : 1;
    return { kind: 'allDay', startDate: original.date, endDate: addDays(original.date, days) };
  }
  const start = new Date(original.dateTime ?? 0);
  const length = time.kind === 'timed' ? time.end.getTime() - time.start.getTime() : 0;
  return {
    kind: 'timed',
    start,
    end: new Date(start.getTime() + length),
    timeZone: original.timeZone ?? null,
  };
}

function toAttendee(attendee: calendar_v3.Schema$EventAttendee): ProviderAttendee {
  return {
    email: attendee.email ?? '',
    name: attendee.displayName ?? null,
    response: RESPONSES[attendee.responseStatus ?? 'needsAction'] ?? 'needs_action',
    isOrganizer: attendee.organizer === true,
    isOptional: attendee.optional === true,
    isSelf: attendee.self === true,
    // Google keeps the comment sent with the answer; no time of answering.
    comment: attendee.comment ? attendee.comment : null,
  };
}

function showAs(event: GEvent, self: ProviderAttendee | undefined): ShowAs {
  if (event.transparency === 'transparent' || self?.response === 'declined') return 'free';
  if (event.eventType === 'outOfOffice') return 'oof';
  if (event.eventType === 'workingLocation') return 'working_elsewhere';
  if (event.status === 'tentative' || self?.response === 'tentative') return 'tentative';
  return 'busy';
}

function videoEntryPoint(event: GEvent): string | undefined {
  return (
    event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === 'video')?.uri ?? undefined
  );
}

function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.max(
    1,
    Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000),
  );
}

/** Whether writing `time` over the event's current time moves it (the same instants are no move). */
export function timeMoves(current: EventTime, time: EventTime): boolean {
  if (current.kind === 'timed' && time.kind === 'timed') {
    return current.start.getTime() !== time.start.getTime() || current.end.getTime() !== time.end.getTime();
  }
  if (current.kind === 'allDay' && time.kind === 'allDay') {
    return current.startDate !== time.startDate || current.endDate !== time.endDate;
  }
  return true;
}
