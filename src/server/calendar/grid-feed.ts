import type { AttendeeResponseValue, MeetingKind } from '@/server/db/schema';
import type { ShowAs } from '@/server/providers/types';
import type { CalendarFeed, CalendarLegendEntry } from './feed';

/*
 * What the Calendar grid needs to draw each item, and no more (issue 16): the page serialises the
 * first week's feed into its HTML, and 1,000 items of whole rows (attendees, organiser, notes,
 * every timestamp as a superjson Date with its own path in the metadata) made it ~540 KB. Times
 * are epoch milliseconds (plain numbers: no superjson metadata), flags are present only when true,
 * and a connected calendar's id is said once for all its events. A dialog fetches the rest when it
 * opens (`meetings.get`, `tasks.get`).
 */

export interface GridTask {
  id: string;
  title: string;
  /** Due, epoch ms. */
  start: number;
  minutes: number;
  done?: true;
  /** For a drag: the version drawn, so a change made since is not overwritten. */
  version: number;
}

export interface GridMeeting {
  id: string;
  /** For an occurrence of a recurring meeting: its start in the series (RECURRENCE-ID), epoch ms. */
  original?: number;
  title: string;
  start: number;
  end: number;
  kind: MeetingKind;
  cancelled?: true;
  /** The viewer organises it (only then can it be dragged). */
  organizing?: true;
  /** The viewer's own answer when invited. */
  response?: AttendeeResponseValue;
  /** How many are invited: moving a meeting with invitees asks them all again, so it asks first. */
  invitees: number;
  version: number;
}

export interface GridExternalEvent {
  /** Unique per occurrence (see mirror-occurrences.ts). */
  id: string;
  title: string | null;
  start: number;
  end: number;
  /** All-day events: their dates, the end exclusive. */
  days?: { start: string; end: string | null };
  showAs?: Exclude<ShowAs, 'busy'>;
  /** Kept here: a mirrored occurrence has no row of its own for its dialog to fetch. */
  location?: string;
}

export interface GridCalendarEvents {
  calendarId: string;
  events: GridExternalEvent[];
}

export interface CalendarGridFeed {
  tasks: GridTask[];
  meetings: GridMeeting[];
  /** Connected calendars' events, grouped by calendar, in the feed's order within each. */
  externalEvents: GridCalendarEvents[];
  /** For the legend and the external event's dialog. */
  calendars: CalendarLegendEntry[];
}

/** The key of a drawn meeting: its id, and for an occurrence its original start (as the full feed's). */
export function gridMeetingKey(meeting: { id: string; original?: number }): string {
  return meeting.original === undefined
    ? meeting.id
    : `${meeting.id}@${new Date(meeting.original).toISOString()}`;
}

export function toGridFeed(feed: CalendarFeed): CalendarGridFeed {
  const tasks = feed.tasks.map((task): GridTask => ({
    id: task.id,
    title: task.title,
    start: task.dueAt.getTime(),
    minutes: task.durationMinutes,
    ...(task.doneAt ? { done: true as const } : {}),
    version: task.version,
  }));
  const meetings = feed.meetings.map((meeting): GridMeeting => ({
    id: meeting.id,
    ...(meeting.occurrence ? { original: meeting.occurrence.originalStartsAt.getTime() } : {}),
    title: meeting.title,
    start: meeting.startsAt.getTime(),
    end: meeting.endsAt.getTime(),
    kind: meeting.kind,
    ...(meeting.status === 'cancelled' ? { cancelled: true as const } : {}),
    ...(meeting.myRole === 'organizer' ? { organizing: true as const } : {}),
    ...(meeting.myResponse ? { response: meeting.myResponse } : {}),
    invitees: meeting.attendees.length,
    version: meeting.version,
  }));
  const byCalendar = new Map<string, GridExternalEvent[]>();
  for (const event of feed.externalEvents) {
    const events = byCalendar.get(event.calendarId) ?? [];
    if (events.length === 0) byCalendar.set(event.calendarId, events);
    events.push({
      id: event.id,
      title: event.title,
      start: event.startsAt.getTime(),
      end: event.endsAt.getTime(),
      ...(event.allDay && event.startDate ? { days: { start: event.startDate, end: event.endDate } } : {}),
      ...(event.showAs !== 'busy' ? { showAs: event.showAs } : {}),
      ...(event.location ? { location: event.location } : {}),
    });
  }
  const externalEvents = [...byCalendar].map(([calendarId, events]) => ({ calendarId, events }));
  return { tasks, meetings, externalEvents, calendars: feed.calendars };
}
