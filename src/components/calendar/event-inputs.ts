import type { EventInput } from '@fullcalendar/core';
import type { CalendarFeed } from '@/server/calendar/feed';

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
export function toEventInputs(feed: CalendarFeed | undefined): EventInput[] {
  if (!feed) return [];
  const meetings: EventInput[] = feed.meetings.map((meeting) => {
    const cancelled = meeting.status === 'cancelled';
    const declined = meeting.myResponse === 'declined';
    const awaiting = meeting.myRole === 'attendee' && meeting.myResponse === 'needs_action' && !cancelled;
    const prefix = cancelled
      ? 'Cancelled: '
      : declined
        ? 'Declined: '
        : meeting.kind === 'review'
          ? 'Review: '
          : '';
    const suffix = awaiting ? ' · reply needed' : meeting.myResponse === 'tentative' ? ' · tentative' : '';
    const color = cancelled || declined ? COLORS.muted : COLORS[meeting.kind];
    return {
      id: `meeting:${meeting.feedKey}`,
      title: `${prefix}${meeting.title}${suffix}`,
      start: meeting.startsAt,
      end: meeting.endsAt,
      backgroundColor: color,
      borderColor: color,
      textColor: '#ffffff',
      classNames: [cancelled ? 'tandem-cancelled' : '', awaiting ? 'tandem-awaiting' : ''].filter(Boolean),
      editable: meeting.myRole === 'organizer' && !cancelled,
      extendedProps: {
        ref: {
          type: 'meeting',
          id: meeting.id,
          key: meeting.feedKey,
          ...(meeting.occurrence ? { originalStartsAt: meeting.occurrence.originalStartsAt } : {}),
        } satisfies CalendarItemRef,
        version: meeting.version,
      },
    };
  });
  const tasks: EventInput[] = feed.tasks.map((task) => {
    const done = task.doneAt !== null;
    const color = done ? COLORS.muted : COLORS.task;
    return {
      id: `task:${task.id}`,
      title: `${done ? 'Done: ' : 'Task: '}${task.title}`,
      start: task.dueAt,
      end: new Date(task.dueAt.getTime() + task.durationMinutes * 60_000),
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
