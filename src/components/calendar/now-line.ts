'use client';

import { useEffect, useRef, type RefObject } from 'react';
import type { VisibleHours } from './visible-hours';
import { wallClockMs } from './zone-offsets';

/*
 * The "now" line of the time grid, drawn by the page instead of FullCalendar (issue 16). With
 * FullCalendar's `nowIndicator`, its minute timer hands a new `nowDate` to every time column once
 * a minute, and each column draws all its events again (no DOM change, but for 1,000 events some
 * 2 MB of virtual DOM and its garbage collection: the largest main-thread cost of an open,
 * unchanged Calendar page). Without it FullCalendar's timer runs once a day; this line is one
 * element moved once a minute.
 */
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const minutesOf = (duration: string) => {
  const [hours = '0', minutes = '0'] = duration.split(':');
  return Number(hours) * 60 + Number(minutes);
};

/**
 * Where the line sits down a time column at the instant `nowMs`, as a percentage of the column's
 * height (the column spans the hours shown, every slot equally tall); null outside those hours.
 * To the minute, as FullCalendar's own indicator.
 */
export function nowLineTop(nowMs: number, zone: string, hours: VisibleHours): number | null {
  const wall = wallClockMs(zone, nowMs);
  const minute = Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  const first = minutesOf(hours.slotMinTime);
  const end = minutesOf(hours.slotMaxTime);
  if (minute < first || minute >= end) return null;
  return ((minute - first) / (end - first)) * 100;
}

/** Today's time column in the grid under `root` (FullCalendar marks it; Month and List have none). */
const todayColumn = (root: HTMLElement | null) =>
  root?.querySelector<HTMLElement>('.fc-timegrid-col.fc-day-today .fc-timegrid-col-frame') ?? null;

/**
 * Keeps the now line in today's column of the grid under `root`, moved on each minute. Returns
 * `place` (stable) for when FullCalendar has drawn other dates, hours or a new view.
 */
export function useNowLine(
  root: RefObject<HTMLElement | null>,
  zone: string,
  hours: VisibleHours,
): { readonly current: () => void } {
  const place = useRef<() => void>(() => undefined);
  useEffect(() => {
    const line = document.createElement('div');
    // FullCalendar's own class, so the line looks as its indicator did (globals.css colours it).
    line.className = 'fc-timegrid-now-indicator-line';
    line.dataset.nowLine = '';
    line.setAttribute('aria-hidden', 'true');
    place.current = () => {
      const column = todayColumn(root.current);
      const top = nowLineTop(Date.now(), zone, hours);
      if (!column || top === null) {
        line.remove();
        return;
      }
      if (line.parentElement !== column) column.append(line);
      line.style.top = `${top}%`;
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      place.current();
      timer = setTimeout(tick, MINUTE_MS - (Date.now() % MINUTE_MS));
    };
    tick();
    return () => {
      clearTimeout(timer);
      line.remove();
      place.current = () => undefined;
    };
  }, [root, zone, hours]);
  return place;
}
