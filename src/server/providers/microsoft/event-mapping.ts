import { DateTime } from 'luxon';
import { ProviderProtocolError } from '../errors';
import type {
  AttendeeResponse,
  EventTime,
  EventWrite,
  ProviderAttendee,
  ProviderEvent,
  ShowAs,
} from '../types';
import { TANDEM_PROPERTY_ID } from './config';
import { fromGraphRecurrence, toGraphRecurrence, type GraphRecurrence } from './recurrence-mapping';
import { ianaZoneOf } from './time-zones';

/** Graph event JSON ↔ the normalised ProviderEvent / EventWrite shapes. */

export interface GraphDateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface GraphEvent {
  id: string;
  '@odata.etag'?: string;
  '@removed'?: { reason: string };
  changeKey?: string;
  iCalUId?: string;
  uid?: string;
  subject?: string | null;
  body?: { contentType: string; content: string } | null;
  start?: GraphDateTimeTimeZone;
  end?: GraphDateTimeTimeZone;
  originalStart?: string | null;
  originalStartTimeZone?: string | null;
  isAllDay?: boolean;
  isCancelled?: boolean;
  isOrganizer?: boolean;
  responseStatus?: { response?: string; time?: string } | null;
  showAs?: string;
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId?: string | null;
  recurrence?: GraphRecurrence | null;
  location?: { displayName?: string; locationUri?: string } | null;
  onlineMeeting?: { joinUrl?: string } | null;
  onlineMeetingUrl?: string | null;
  organizer?: { emailAddress: { name?: string; address?: string } };
  attendees?: {
    type?: string;
    status?: { response?: string; time?: string };
    emailAddress: { name?: string; address?: string };
    /** On the organiser's copy: a time the attendee proposed with their answer. */
    proposedNewTime?: { start?: GraphDateTimeTimeZone; end?: GraphDateTimeTimeZone } | null;
  }[];
  lastModifiedDateTime?: string;
  singleValueExtendedProperties?: { id: string; value: string }[];
}

const RESPONSES: Record<string, AttendeeResponse> = {
  none: 'needs_action',
  notResponded: 'needs_action',
  organizer: 'accepted',
  accepted: 'accepted',
  declined: 'declined',
  tentativelyAccepted: 'tentative',
};

const SHOW_AS: Record<string, ShowAs> = {
  free: 'free',
  tentative: 'tentative',
  busy: 'busy',
  oof: 'oof',
  workingElsewhere: 'working_elsewhere',
  unknown: 'unknown',
};

/** Graph says `0001-01-01T00:00:00Z` for "not answered yet". */
function answeredAt(time: string | undefined): Date | null {
  if (!time) return null;
  const at = new Date(time);
  return Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1971 ? null : at;
}

function proposedTimeOf(
  proposed: { start?: GraphDateTimeTimeZone; end?: GraphDateTimeTimeZone } | null | undefined,
): { start: Date; end: Date } | null {
  if (!proposed?.start || !proposed.end) return null;
  const start = instantOf(proposed.start);
  const end = instantOf(proposed.end);
  return end > start ? { start, end } : null;
}

/** Graph date-time (in the zone it names; we ask for UTC) → instant. */
export function instantOf(value: GraphDateTimeTimeZone): Date {
  const zone = ianaZoneOf(value.timeZone) ?? 'UTC';
  return DateTime.fromISO(value.dateTime, { zone }).toJSDate();
}

function timeOf(event: GraphEvent): EventTime {
  if (!event.start || !event.end) throw new ProviderProtocolError(`Graph event ${event.id} has no start/end`);
  if (event.isAllDay) {
    // All-day events float: the dates are the first ten characters whatever the zone.
    return {
      kind: 'allDay',
      startDate: event.start.dateTime.slice(0, 10),
      endDate: event.end.dateTime.slice(0, 10),
    };
  }
  return {
    kind: 'timed',
    start: instantOf(event.start),
    end: instantOf(event.end),
    timeZone: ianaZoneOf(event.originalStartTimeZone),
  };
}

function originalStartOf(event: GraphEvent, time: EventTime): EventTime | null {
  if (!event.originalStart) return null;
  const start = new Date(event.originalStart);
  if (time.kind === 'allDay') {
    const days = DateTime.fromISO(time.endDate).diff(DateTime.fromISO(time.startDate), 'days').days;
    const startDate = event.originalStart.slice(0, 10);
    return {
      kind: 'allDay',
      startDate,
      endDate: DateTime.fromISO(startDate).plus({ days }).toISODate() ?? startDate,
    };
  }
  return {
    kind: 'timed',
    start,
    end: new Date(start.getTime() + (time.end.getTime() - time.start.getTime())),
    timeZone: time.timeZone,
  };
}

export function tandemTagOf(event: GraphEvent): string | null {
  const wanted = TANDEM_PROPERTY_ID.toLowerCase();
  return event.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === wanted)?.value ?? null;
}

export function toProviderEvent(
  event: GraphEvent,
  selfEmail: string | null,
  tag: string | null = tandemTagOf(event),
): ProviderEvent {
  const time = timeOf(event);
  const organizerEmail = event.organizer?.emailAddress.address ?? null;
  const same = (a: string | null | undefined, b: string | null | undefined) =>
    !!a && !!b && a.toLowerCase() === b.toLowerCase();
  // An attendee's own copy lists everyone as invited; its own answer is in responseStatus.
  const ownResponse =
    event.isOrganizer === false ? RESPONSES[event.responseStatus?.response ?? ''] : undefined;
  const attendees: ProviderAttendee[] = (event.attendees ?? []).map((attendee) => {
    const isSelf = same(attendee.emailAddress.address, selfEmail);
    const own = isSelf && ownResponse !== undefined;
    return {
      email: attendee.emailAddress.address ?? '',
      name: attendee.emailAddress.name ?? null,
      response:
        (own ? ownResponse : undefined) ?? RESPONSES[attendee.status?.response ?? 'none'] ?? 'needs_action',
      isOrganizer: same(attendee.emailAddress.address, organizerEmail),
      isOptional: attendee.type === 'optional',
      isSelf,
      respondedAt: answeredAt(own ? event.responseStatus?.time : attendee.status?.time),
      proposedTime: proposedTimeOf(attendee.proposedNewTime),
    };
  });
  const showAs = SHOW_AS[event.showAs ?? 'busy'] ?? 'busy';
  const instance = event.type === 'occurrence' || event.type === 'exception';
  return {
    externalId: event.id,
    // `uid` is series-wide (as iCalendar's UID); iCalUId differs per occurrence.
    iCalUid: event.uid ?? event.iCalUId ?? null,
    etag: event['@odata.etag'] ?? event.changeKey ?? null,
    status: event.isCancelled ? 'cancelled' : 'confirmed',
    title: event.subject ?? null,
    description: event.body?.content ? event.body.content : null,
    location: event.location?.displayName ? event.location.displayName : null,
    onlineUrl: event.onlineMeeting?.joinUrl ?? event.onlineMeetingUrl ?? event.location?.locationUri ?? null,
    time,
    recurrence:
      event.type === 'seriesMaster' && event.recurrence ? fromGraphRecurrence(event.recurrence) : null,
    seriesExternalId: instance ? (event.seriesMasterId ?? null) : null,
    originalStart: instance ? originalStartOf(event, time) : null,
    transparency: showAs === 'free' ? 'transparent' : 'opaque',
    showAs,
    organizer: organizerEmail
      ? { email: organizerEmail, name: event.organizer?.emailAddress.name ?? null }
      : null,
    attendees,
    sequence: null,
    updatedAt: event.lastModifiedDateTime ? new Date(event.lastModifiedDateTime) : null,
    tandemMeetingId: tag,
  };
}

function graphTimes(time: EventTime): {
  start: GraphDateTimeTimeZone;
  end: GraphDateTimeTimeZone;
  isAllDay: boolean;
  zone: string;
  startDate: string;
} {
  if (time.kind === 'allDay') {
    return {
      start: { dateTime: `${time.startDate}T00:00:00`, timeZone: 'UTC' },
      end: { dateTime: `${time.endDate}T00:00:00`, timeZone: 'UTC' },
      isAllDay: true,
      zone: 'UTC',
      startDate: time.startDate,
    };
  }
  const zone = ianaZoneOf(time.timeZone) ?? 'UTC';
  const local = (date: Date) => DateTime.fromJSDate(date).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm:ss");
  return {
    start: { dateTime: local(time.start), timeZone: zone },
    end: { dateTime: local(time.end), timeZone: zone },
    isAllDay: false,
    zone,
    startDate: DateTime.fromJSDate(time.start).setZone(zone).toISODate() ?? '',
  };
}

/** The Graph body for a create or a full update (PATCH with every field we own). */
export function toGraphBody(write: EventWrite): Record<string, unknown> {
  const times = graphTimes(write.time);
  return {
    subject: write.title,
    body: { contentType: 'text', content: write.description ?? '' },
    start: times.start,
    end: times.end,
    isAllDay: times.isAllDay,
    location: {
      displayName: write.location ?? '',
      ...(write.onlineUrl ? { locationUri: write.onlineUrl } : {}),
    },
    attendees: write.attendees.map((attendee) => ({
      emailAddress: { address: attendee.email, ...(attendee.name ? { name: attendee.name } : {}) },
      type: attendee.isOptional ? 'optional' : 'required',
    })),
    recurrence: write.recurrence
      ? toGraphRecurrence(
          write.recurrence,
          times.startDate,
          times.zone,
          times.isAllDay ? undefined : times.start.dateTime.slice(11, 19),
        )
      : null,
    ...(write.tandemMeetingId
      ? { singleValueExtendedProperties: [{ id: TANDEM_PROPERTY_ID, value: write.tandemMeetingId }] }
      : {}),
  };
}

/** The EXDATE lines of a write: Graph cannot take them, the adapter cancels those occurrences. */
export function exdateLines(write: EventWrite): string[] {
  return (write.recurrence ?? []).filter((line) => line.toUpperCase().startsWith('EXDATE'));
}
