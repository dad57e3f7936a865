import { DateTime } from 'luxon';
import type { GDateTime, GEvent } from '@/emulators/google/types';
import type { MirroredFields } from './mirror-fields';

/**
 * What the mirror must hold for a Google calendar, worked out from the emulator's own store (the
 * raw Google resources), not through the adapter: a mapping bug in the adapter cannot cancel out
 * on both sides of the comparison. Written from Google's documented behaviour, independently of
 * `providers/google/event-mapping.ts`.
 */

const RESPONSES: Record<string, string> = {
  needsAction: 'needs_action',
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentative',
};

/**
 * The events a full listing holds (events.list without showDeleted or singleEvents): every live
 * event and series, and every exception of a series, moved or cancelled. Deleted single events
 * and deleted series are gone.
 */
export function listedEvents(stored: GEvent[]): GEvent[] {
  return stored.filter((event) => event.recurringEventId !== undefined || event.status !== 'cancelled');
}

export function expectedMirrorRow(event: GEvent): MirroredFields {
  if (event.status === 'cancelled') return cancelledException(event);
  const start = instantOf(event.start);
  const end = instantOf(event.end);
  const allDay = event.start.date !== undefined;
  const recurrence = event.recurrence && event.recurrence.length > 0 ? event.recurrence : null;
  return {
    externalId: event.id,
    icalUid: event.iCalUID,
    etag: event.etag,
    status: event.status,
    title: event.summary ?? null,
    location: event.location ?? null,
    startAt: start,
    endAt: end,
    allDay,
    startDate: event.start.date ?? null,
    endDate: event.end.date ?? null,
    timeZone: allDay ? null : (event.start.timeZone ?? null),
    recurrence,
    seriesEndAt: recurrence ? seriesEnd(event, recurrence, end.getTime() - start.getTime()) : null,
    seriesExternalId: event.recurringEventId ?? null,
    originalStartAt: event.originalStartTime ? instantOf(event.originalStartTime) : null,
    transparency: event.transparency === 'transparent' ? 'transparent' : 'opaque',
    showAs:
      event.transparency === 'transparent' ? 'free' : event.status === 'tentative' ? 'tentative' : 'busy',
    organizerEmail: event.organizer.email,
    attendees: (event.attendees ?? []).map((attendee) => ({
      email: attendee.email,
      name: attendee.displayName ?? null,
      response: RESPONSES[attendee.responseStatus] ?? 'needs_action',
      comment: attendee.comment ?? null,
    })),
    tandemMeetingId: event.extendedProperties?.private?.['tandemMeetingId'] ?? null,
    providerUpdatedAt: new Date(event.updated),
  };
}

/** Google lists a cancelled exception with only its id, etag, series and original start. */
function cancelledException(event: GEvent): MirroredFields {
  const originalTime = event.originalStartTime ?? event.start;
  const original = instantOf(originalTime);
  const allDay = originalTime.date;
  return {
    externalId: event.id,
    icalUid: null,
    etag: event.etag,
    status: 'cancelled',
    title: null,
    location: null,
    startAt: original,
    endAt: allDay ? new Date(original.getTime() + 86_400_000) : original,
    allDay: allDay !== undefined,
    startDate: allDay ?? null,
    endDate: allDay ? new Date(original.getTime() + 86_400_000).toISOString().slice(0, 10) : null,
    timeZone: allDay ? null : (originalTime.timeZone ?? null),
    recurrence: null,
    seriesEndAt: null,
    seriesExternalId: event.recurringEventId ?? null,
    originalStartAt: original,
    transparency: 'opaque',
    showAs: 'busy',
    organizerEmail: null,
    attendees: [],
    tandemMeetingId: null,
    providerUpdatedAt: null,
  };
}

function instantOf(time: GDateTime): Date {
  return time.date ? new Date(`${time.date}T00:00:00Z`) : new Date(time.dateTime ?? Number.NaN);
}

/**
 * When the last occurrence of a weekly COUNT series ends, stepping whole weeks in the series' own
 * zone (09:00 stays 09:00 across a change of clocks). Only the rules the oracle's edits write.
 */
function seriesEnd(event: GEvent, recurrence: string[], lengthMs: number): Date | null {
  const rule = /^RRULE:FREQ=WEEKLY;COUNT=(\d+)$/.exec(recurrence[0] ?? '');
  if (!rule || recurrence.length !== 1) throw new Error(`the oracle does not model ${recurrence.join(' ')}`);
  const zone = event.start.timeZone ?? 'UTC';
  const first = event.start.date
    ? DateTime.fromISO(event.start.date, { zone: 'UTC' })
    : DateTime.fromISO(event.start.dateTime ?? '', { zone });
  const last = first.plus({ weeks: Number(rule[1]) - 1 });
  return new Date(last.toMillis() + lengthMs);
}
