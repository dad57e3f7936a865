import type { EventInput } from '@fullcalendar/core';
import type { CalendarFeed } from '@/server/calendar/feed';
import { calendarEventColor } from './calendar-colors';

export type ExternalEventRef = { type: 'external'; id: string };

/** Events of connected calendars: read-only, coloured per calendar, named with the calendar's name. */
export function toExternalEventInputs(feed: CalendarFeed | undefined): EventInput[] {
  if (!feed) return [];
  const calendars = new Map(feed.calendars.map((calendar) => [calendar.id, calendar]));
  return feed.externalEvents.flatMap((event): EventInput[] => {
    const calendar = calendars.get(event.calendarId);
    if (!calendar?.show) return [];
    const color = calendarEventColor(calendar.color);
    const free = event.showAs === 'free';
    const prefix = free ? 'Free: ' : '';
    const suffix = event.showAs === 'tentative' ? ' · tentative' : '';
    return [
      {
        id: `external:${event.id}`,
        // The calendar's name is part of the label, so colour is never the only cue.
        title: `${prefix}${event.title ?? 'Busy'}${suffix} · ${calendar.name}`,
        ...(event.allDay && event.startDate
          ? { start: event.startDate, end: event.endDate ?? undefined, allDay: true }
          : { start: event.startsAt, end: event.endsAt }),
        backgroundColor: color,
        borderColor: color,
        textColor: '#ffffff',
        classNames: free ? ['tandem-free'] : [],
        editable: false,
        startEditable: false,
        durationEditable: false,
        extendedProps: {
          ref: { type: 'external', id: event.id } satisfies ExternalEventRef,
        },
      },
    ];
  });
}
