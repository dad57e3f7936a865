'use client';

import type { DateSelectArg, DatesSetArg, ViewMountArg } from '@fullcalendar/core';
import interactionPlugin from '@fullcalendar/interaction';
import luxonPlugin from '@fullcalendar/luxon3';
import FullCalendar from '@fullcalendar/react';
import type { ResourceLabelContentArg } from '@fullcalendar/resource';
import resourceTimelinePlugin from '@fullcalendar/resource-timeline';
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { PersonAvailability } from '@/server/scheduling/contract';
import { instantFromCalendarString } from '../calendar/wall-time';
import { cachedTimeZonePlugin } from '../calendar/zone-offsets';
import './availability-grid.css';
import { toAvailabilityEvents, toResources, toSlotEvents, type RowInfo } from './grid-model';
import { RowLabel } from './row-label';
import { firstSlot, moveSlot, type SlotBounds } from './slot-keys';

export interface GridSlot {
  start: Date;
  end: Date;
  /** Picked (Enter, a click or drag, a suggestion) rather than only where the arrow keys are. */
  picked: boolean;
}

export interface AvailabilityGridProps {
  people: PersonAvailability[];
  zone: string;
  locale: string;
  /** The hours shown each day, as FullCalendar durations ("08:00", "24:00"). */
  hours: { slotMinTime: string; slotMaxTime: string };
  durationMinutes: number;
  now: Date;
  slot: GridSlot | null;
  /** Null: the grid is for reading only (a learner's "what my tutor sees"). */
  onSlotChange: ((slot: GridSlot) => void) | null;
  onRangeChange: (range: { from: Date; to: Date; weekdaysOnly: boolean }) => void;
  /** The accessible name of the keyboard region. */
  label: string;
}

// No eventContent: FullCalendar's own background-event content is the title (.fc-event-title),
// and a React render per block (a portal each) would cost more than the blocks themselves.
// Module constants, so FullCalendar never sees a new option object on a re-render (it would
// re-process its options each time: the cost the bench measures).
const PLUGINS = [resourceTimelinePlugin, interactionPlugin, luxonPlugin, cachedTimeZonePlugin];
const HEADER_TOOLBAR = {
  left: 'prev,next today',
  center: 'title',
  right: 'resourceTimelineDay,resourceTimelineWorkWeek',
};
const BUTTON_TEXT = { prev: 'Previous', next: 'Next', today: 'Today' };
const BUTTON_HINTS = { prev: 'Previous $0', next: 'Next $0', today: 'This $0' };
const HOUR_LABEL = { hour: '2-digit', minute: '2-digit', hour12: false } as const;
const VIEWS = {
  resourceTimelineDay: { buttonText: 'Day', slotLabelFormat: HOUR_LABEL, slotMinWidth: 40 },
  resourceTimelineWorkWeek: {
    type: 'resourceTimeline',
    duration: { weeks: 1 },
    weekends: false,
    buttonText: 'Work week',
    slotLabelFormat: [{ weekday: 'short', day: 'numeric', month: 'short' } as const, HOUR_LABEL],
    slotMinWidth: 22,
  },
};
const SLOT_MINUTES = 30;
const minutesOf = (duration: string) => {
  const [hours = '0', minutes = '0'] = duration.split(':');
  return Number(hours) * 60 + Number(minutes);
};

/**
 * FullCalendar's resource timeline marks its layout table as an ARIA grid whose row groups hold
 * no rows (axe: aria-required-children, critical), and its scrollers hold nothing focusable
 * (scrollable-region-focusable). The grid here is read through the keyboard region and its
 * spoken summaries, so the layout tables become presentation, and the timeline's scrollers take
 * the focus so that keyboard users can scroll them (WCAG 2.1.1).
 */
function fixTimelineAccessibility(root: HTMLElement) {
  for (const table of root.querySelectorAll<HTMLElement>('.fc-scrollgrid')) {
    table.setAttribute('role', 'presentation');
    for (const part of table.querySelectorAll<HTMLElement>('[role]')) part.removeAttribute('role');
  }
  for (const part of root.querySelectorAll<HTMLElement>('.fc-timeline-header, .fc-timeline-body')) {
    const scroller = part.closest<HTMLElement>('.fc-scroller');
    // Every time: the role pass above also strips the region role given here before.
    if (scroller) {
      scroller.tabIndex = 0;
      scroller.setAttribute('role', 'region');
      scroller.setAttribute('aria-label', part.classList.contains('fc-timeline-header') ? 'Times' : 'Rows');
    }
  }
}

export function AvailabilityGrid({
  people,
  zone,
  locale,
  hours,
  durationMinutes,
  now,
  slot,
  onSlotChange,
  onRangeChange,
  label,
}: AvailabilityGridProps) {
  const calendarRef = useRef<FullCalendar>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<{ from: Date; to: Date; weekdaysOnly: boolean } | null>(null);
  const resources = useMemo(() => toResources(people), [people]);
  const blocks = useMemo(() => toAvailabilityEvents(people), [people]);
  const slotEvents = useMemo(() => toSlotEvents(slot), [slot]);
  // Two sources, matched by identity (FullCalendar's handleEventSources): a key press swaps the slot's only.
  const eventSources = useMemo(() => [blocks, slotEvents], [blocks, slotEvents]);
  const bounds: SlotBounds = useMemo(
    () => ({
      zone,
      durationMinutes,
      stepMinutes: SLOT_MINUTES,
      dayStartMinutes: minutesOf(hours.slotMinTime),
      dayEndMinutes: minutesOf(hours.slotMaxTime),
      weekdaysOnly: true,
    }),
    [zone, durationMinutes, hours.slotMinTime, hours.slotMaxTime],
  );

  const renderResourceLabel = useCallback(
    (arg: ResourceLabelContentArg) => (
      <RowLabel
        title={arg.resource.title}
        info={arg.resource.extendedProps.info as RowInfo}
        now={now}
        locale={locale}
      />
    ),
    [now, locale],
  );

  const onDatesSet = useCallback(
    (arg: DatesSetArg) => {
      const range = {
        from: instantFromCalendarString(arg.startStr, zone),
        to: instantFromCalendarString(arg.endStr, zone),
        weekdaysOnly: arg.view.type === 'resourceTimelineWorkWeek',
      };
      viewRef.current = range;
      onRangeChange(range);
    },
    [zone, onRangeChange],
  );

  const onSelect = useCallback(
    (arg: DateSelectArg) => {
      arg.view.calendar.unselect();
      if (!onSlotChange) return;
      const start = instantFromCalendarString(arg.startStr, zone);
      const end = instantFromCalendarString(arg.endStr, zone);
      // A click is one grid slot: it means "a meeting of the chosen length from here".
      const dragged = end.getTime() - start.getTime() > SLOT_MINUTES * 60_000;
      onSlotChange({
        start,
        end: dragged ? end : new Date(start.getTime() + durationMinutes * 60_000),
        picked: true,
      });
    },
    [zone, onSlotChange, durationMinutes],
  );

  const onViewDidMount = useCallback((arg: ViewMountArg) => fixTimelineAccessibility(arg.el), []);

  // After each redraw (new rows, new blocks, another view): FullCalendar may have made new tables.
  useEffect(() => {
    if (wrapperRef.current) fixTimelineAccessibility(wrapperRef.current);
  }, [blocks, resources, hours.slotMinTime, hours.slotMaxTime]);

  // A slot outside the days shown (a suggestion, the arrow keys past Friday): go to its day.
  const slotStart = slot?.start.getTime();
  useEffect(() => {
    if (slotStart === undefined) return;
    const view = viewRef.current;
    const api = calendarRef.current?.getApi();
    if (api && view && (slotStart < view.from.getTime() || slotStart >= view.to.getTime()))
      api.gotoDate(new Date(slotStart));
    wrapperRef.current
      ?.querySelector('.fc-timeline-body .slot')
      ?.scrollIntoView({ block: 'nearest', inline: 'center' });
  }, [slotStart, slotEvents]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!onSlotChange) return;
    const view = viewRef.current;
    const keyBounds = { ...bounds, weekdaysOnly: view?.weekdaysOnly ?? true };
    // Before any slot: the first one from now, or from the first day shown if that is later.
    const origin = slot?.start ?? firstSlot(view && now < view.from ? view.from : now, keyBounds);
    const length = durationMinutes * 60_000;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSlotChange({ start: origin, end: new Date(origin.getTime() + length), picked: true });
      return;
    }
    const moved = moveSlot(origin, event.key, keyBounds);
    if (!moved) return;
    event.preventDefault();
    const start = slot ? moved : origin;
    onSlotChange({ start, end: new Date(start.getTime() + length), picked: false });
  }

  return (
    <div
      ref={wrapperRef}
      className="scheduling-grid rounded-lg border border-slate-200 bg-white p-2"
      {...(onSlotChange
        ? { role: 'application', tabIndex: 0, 'aria-label': label, onKeyDown }
        : { role: 'region', 'aria-label': label })}
    >
      <FullCalendar
        ref={calendarRef}
        plugins={PLUGINS}
        schedulerLicenseKey="GPL-My-Project-Is-Open-Source"
        timeZone={zone}
        locale={locale}
        initialView="resourceTimelineWorkWeek"
        views={VIEWS}
        headerToolbar={HEADER_TOOLBAR}
        buttonIcons={false}
        buttonText={BUTTON_TEXT}
        buttonHints={BUTTON_HINTS}
        firstDay={1}
        height="auto"
        slotDuration="00:30:00"
        slotLabelInterval="01:00"
        slotMinTime={hours.slotMinTime}
        slotMaxTime={hours.slotMaxTime}
        resourceAreaWidth="9.5rem"
        resourceAreaHeaderContent="People"
        resourceOrder="order"
        resources={resources}
        resourceLabelContent={renderResourceLabel}
        eventSources={eventSources}
        nowIndicator
        selectable={onSlotChange !== null}
        select={onSelect}
        datesSet={onDatesSet}
        viewDidMount={onViewDidMount}
      />
    </div>
  );
}
