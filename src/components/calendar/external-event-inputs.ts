import type { EventInput } from '@fullcalendar/core';
import type { CalendarGridFeed } from '@/server/calendar/grid-feed';
import { calendarEventColor } from './calendar-colors';

export type ExternalEventRef = { type: 'external'; id: string; calendarId: string };

/** Events of connected calendars: read-only, coloured per calendar, named with the calendar's name. */
export function toExternalEventInputs(feed: CalendarGridFeed | undefined): EventInput[] {
  if (!feed) return [];
  const calendars = new Map(feed.calendars.map((calendar) => [calendar.id, calendar]));
  return feed.externalEvents.flatMap(({ calendarId, events }): EventInput[] => {
    const calendar = calendars.get(calendarId);
    if (!calendar?.show) return [];
    const color = calendarEventColor(calendar.color);
    return events.map((event): EventInput => {
      const free = event.showAs === 'free';
      const prefix = free ? 'Free: ' : '';
      const suffix = event.showAs === 'tentative' ? ' · tentative' : '';
      return {
        id: `external:${event.id}`,
        // The calendar's name is part of the label, so colour is never the only cue.
        title: `${prefix}${event.title ?? 'Busy'}${suffix} · ${calendar.name}`,
        ...(event.days
          ? { start: event.days.start, end: event.days.end ?? undefined, allDay: true }
          : { start: event.start, end: event.end }),
        backgroundColor: color,
        borderColor: color,
        textColor: '#ffffff',
        classNames: free ? ['tandem-free'] : [],
        editable: false,
        startEditable: false,
        durationEditable: false,
        extendedProps: {
          ref: { type: 'external', id: event.id, calendarId } satisfies ExternalEventRef,
        },
      };
    });
  });
}
