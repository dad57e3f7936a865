'use client';

import type {
  CalendarOptions,
  DateSelectArg,
  DatesSetArg,
  EventClickArg,
  EventContentArg,
  EventDropArg,
  EventInput,
  EventMountArg,
  MoreLinkMountArg,
} from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import interactionPlugin, { type EventResizeDoneArg } from '@fullcalendar/interaction';
import listPlugin from '@fullcalendar/list';
import luxonPlugin from '@fullcalendar/luxon3';
import FullCalendar from '@fullcalendar/react';
import timeGridPlugin from '@fullcalendar/timegrid';
import { memo, useEffect, useMemo, useRef, useState, type Ref } from 'react';
import { MONTH_DAY_ITEMS } from './month-days';
import { useNowLine } from './now-line';
import { eventTimeText, HOURS_AND_MINUTES } from './time-formats';
import type { VisibleHours } from './visible-hours';
import { cachedTimeZonePlugin } from './zone-offsets';

/*
 * FullCalendar redraws every event whenever an option it is handed is a new object or function
 * (issue 16: 13 such options made each dialog opening and each refetch redraw 1,000 events). So
 * every option here is a constant, memoised on what it depends on, or a stable function calling
 * the latest handler; and the component is memoised, so a parent's re-render passes it by.
 */
// luxon for format strings; the cached time zones for every date conversion (zone-offsets.ts).
const PLUGINS = [
  dayGridPlugin,
  timeGridPlugin,
  listPlugin,
  interactionPlugin,
  luxonPlugin,
  cachedTimeZonePlugin,
];
const HEADER_TOOLBAR = {
  left: 'prev,next today',
  center: 'title',
  right: 'dayGridMonth,timeGridWeek,timeGridDay,listWeek',
};
const BUTTON_TEXT = {
  prev: 'Previous',
  next: 'Next',
  today: 'Today',
  month: 'Month',
  week: 'Week',
  day: 'Day',
  list: 'List',
};
const BUTTON_HINTS = { prev: 'Previous $0', next: 'Next $0', today: 'This $0' };
/**
 * Month view: an item is one coloured block holding its text, not FullCalendar's dot, time and
 * title (three elements fewer each; issue 16).
 */
function monthEventText(arg: EventContentArg): string {
  return arg.timeText ? `${arg.timeText} ${arg.event.title}` : arg.event.title;
}

const VIEWS: CalendarOptions['views'] = {
  // A day shows a few items and "+N more", never a day thousands of pixels tall: CalendarView hands
  // Month view only those (month-days.ts; FullCalendar's own "+N more" builds every hidden item).
  // Its "+N more" opens the day; List view lists everything. dayMaxEvents only guards the height.
  dayGridMonth: {
    dayMaxEvents: MONTH_DAY_ITEMS,
    eventDisplay: 'block',
    eventContent: monthEventText,
    // A day's "+N more" below its items.
    eventOrder: '-moreItems,start,-duration,allDay,title',
  },
  // Overlapping items side by side stay readable up to a few; beyond, "+N more" holds the rest.
  timeGridWeek: { eventMaxStack: 4 },
  timeGridDay: { eventMaxStack: 8 },
};

/**
 * FullCalendar's "+N more" is an `<a>` without `href` that toggles a popover (`aria-expanded`),
 * which only a button may carry: it is made one (it is focusable and opens on Enter already).
 */
function markMoreLinkAsButton(arg: MoreLinkMountArg) {
  arg.el.setAttribute('role', 'button');
}

const NO_EVENTS: EventInput[] = [];

/**
 * False until the frame after the grid first drew. FullCalendar places timed events only once it
 * has measured its time slots; events it is given before that are all built hidden and then
 * rebuilt (for 1,000 events, every one built twice, and each forced layout paying for them). So the
 * grid is drawn empty first, and the events follow once it has measured itself.
 */
function useGridMeasured(): boolean {
  const [measured, setMeasured] = useState(false);
  useEffect(() => {
    const frame = requestAnimationFrame(() => setMeasured(true));
    return () => cancelAnimationFrame(frame);
  }, []);
  return measured;
}

export interface CalendarGridHandlers {
  onDatesSet(arg: DatesSetArg): void;
  onSelect(arg: DateSelectArg): void;
  onEventClick(arg: EventClickArg): void;
  onEventChange(arg: EventDropArg | EventResizeDoneArg): void;
}

export interface CalendarGridProps {
  calendarRef: Ref<FullCalendar>;
  zone: string;
  locale: string;
  events: EventInput[];
  hours: VisibleHours;
  allDaySlot: boolean;
  workingHours: { days: number[]; start: string; end: string };
  /** The latest handlers (see useLatest): read when FullCalendar calls, so the options never change. */
  handlers: { readonly current: CalendarGridHandlers };
}

/** The FullCalendar grid, drawn again only when the events, hours, zone or locale change. */
export const CalendarGrid = memo(function CalendarGrid({
  calendarRef,
  zone,
  locale,
  events,
  hours,
  allDaySlot,
  workingHours,
  handlers,
}: CalendarGridProps) {
  const measured = useGridMeasured();
  const root = useRef<HTMLDivElement>(null);
  const nowLine = useNowLine(root, zone, hours);
  // FullCalendar may have drawn today's column anew (the all-day row, the events' first draw).
  useEffect(() => nowLine.current(), [nowLine, events, allDaySlot, measured]);
  const callbacks = useMemo(
    () => ({
      datesSet: (arg: DatesSetArg) => {
        nowLine.current();
        handlers.current.onDatesSet(arg);
      },
      select: (arg: DateSelectArg) => handlers.current.onSelect(arg),
      eventClick: (arg: EventClickArg) => handlers.current.onEventClick(arg),
      eventChange: (arg: EventDropArg | EventResizeDoneArg) => handlers.current.onEventChange(arg),
      // FullCalendar renders focusable events without a role. Their name comes from their content,
      // which FullCalendar keeps current (an aria-label set at mount would go stale). The count of
      // mounts is for the tests and the bench: an unchanged refresh must mount nothing.
      eventDidMount: (arg: EventMountArg) => {
        arg.el.setAttribute('role', 'button');
        // Found from the event (the wrapper's ref is attached only after FullCalendar's first draw).
        const counter = arg.el.closest<HTMLElement>('[data-event-mounts]');
        if (counter) counter.dataset.eventMounts = String(Number(counter.dataset.eventMounts ?? 0) + 1);
      },
    }),
    [handlers, nowLine],
  );
  const businessHours = useMemo(
    () => ({
      daysOfWeek: workingHours.days.map((day) => day % 7),
      startTime: workingHours.start,
      endTime: workingHours.end,
    }),
    [workingHours],
  );
  return (
    <div ref={root} data-event-mounts="0">
      <FullCalendar
        ref={calendarRef}
        plugins={PLUGINS}
        timeZone={zone}
        locale={locale}
        initialView="timeGridWeek"
        views={VIEWS}
        headerToolbar={HEADER_TOOLBAR}
        // Text, not FullCalendar's icon font: its icons are images without a text alternative.
        buttonIcons={false}
        buttonText={BUTTON_TEXT}
        buttonHints={BUTTON_HINTS}
        firstDay={1}
        slotLabelFormat={HOURS_AND_MINUTES}
        eventTimeFormat={eventTimeText}
        // Tandem items are never all day; the row appears only for connected calendars' all-day events.
        allDaySlot={allDaySlot}
        // Not FullCalendar's: its minute timer redraws every event once a minute (see now-line.ts).
        nowIndicator={false}
        // No inner scroller: the page scrolls, so keyboard users need no focusable scroll region.
        // The grid starts at the working day instead (see visibleHours).
        height="auto"
        slotMinTime={hours.slotMinTime}
        slotMaxTime={hours.slotMaxTime}
        selectable
        selectMirror
        editable
        eventInteractive
        businessHours={businessHours}
        events={measured ? events : NO_EVENTS}
        datesSet={callbacks.datesSet}
        select={callbacks.select}
        eventClick={callbacks.eventClick}
        eventDrop={callbacks.eventChange}
        eventResize={callbacks.eventChange}
        eventDidMount={callbacks.eventDidMount}
        moreLinkDidMount={markMoreLinkAsButton}
      />
    </div>
  );
});
