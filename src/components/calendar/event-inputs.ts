import type { EventInput } from '@fullcalendar/core';
import { gridMeetingKey, type CalendarGridFeed } from '@/server/calendar/grid-feed';

const COLORS = {
  meeting: '#1e40af',
  review: '#6b21a8',
  task: '#065f46',
  muted: '#475569',
} as const;

/**
 * `key`: which drawn item (a recurring meeting draws one per occurrence, each its own key);
 * `originalStartsAt`: the occurrence's place in its series (RECURRENCE-ID).
 */
export type CalendarItemRef = {
  type: 'task' | 'meeting';
  id: string;
  key?: string;
  originalStartsAt?: Date;
  /** From a notification's link: the occurrence drawn at that time. */
  at?: Date;
};

/** Turns the feed into FullCalendar events; labels carry the state so colour is never the only cue. */
export function toEventInputs(feed: CalendarGridFeed | undefined): EventInput[] {
  if (!feed) return [];
  const meetings: EventInput[] = feed.meetings.map((meeting) => {
    const cancelled = meeting.cancelled === true;
    const declined = meeting.response === 'declined';
    const awaiting = !meeting.organizing && meeting.response === 'needs_action' && !cancelled;
    const prefix = cancelled
      ? 'Cancelled: '
      : declined
        ? 'Declined: '
        : meeting.kind === 'review'
          ? 'Review: '
          : '';
    const suffix = awaiting ? ' · reply needed' : meeting.response === 'tentative' ? ' · tentative' : '';
    const color = cancelled || declined ? COLORS.muted : COLORS[meeting.kind];
    const key = gridMeetingKey(meeting);
    return {
      id: `meeting:${key}`,
      title: `${prefix}${meeting.title}${suffix}`,
      start: meeting.start,
      end: meeting.end,
      backgroundColor: color,
      borderColor: color,
      textColor: '#ffffff',
      classNames: [cancelled ? 'tandem-cancelled' : '', awaiting ? 'tandem-awaiting' : ''].filter(Boolean),
      editable: meeting.organizing === true && !cancelled,
      extendedProps: {
        ref: {
          type: 'meeting',
          id: meeting.id,
          key,
          ...(meeting.original !== undefined ? { originalStartsAt: new Date(meeting.original) } : {}),
        } satisfies CalendarItemRef,
        version: meeting.version,
      },
    };
  });
  const tasks: EventInput[] = feed.tasks.map((task) => {
    const done = task.done === true;
    const color = done ? COLORS.muted : COLORS.task;
    return {
      id: `task:${task.id}`,
      title: `${done ? 'Done: ' : 'Task: '}${task.title}`,
      start: task.start,
      end: task.start + task.minutes * 60_000,
      backgroundColor: color,
      borderColor: color,
      textColor: '#ffffff',
      classNames: done ? ['tandem-done'] : [],
      editable: true,
      extendedProps: { ref: { type: 'task', id: task.id } satisfies CalendarItemRef, version: task.version },
    };
  });
  return [...meetings, ...tasks];
}
