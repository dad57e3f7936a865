import type { EventInput } from '@fullcalendar/core';
import { wallClockMs } from './zone-offsets';

/*
 * Month view, crowded days (issue 16). FullCalendar 6.1 builds and lays out every item of a day,
 * the ones behind its "+N more" too (invisible): for 1,000 items in a week, 979 built for nothing,
 * most of the time of switching to Month. So Month view is handed only what a day shows, and for
 * a day with more, one item of its own, "+N more", that opens the day (Day view lists them all,
 * as does List view).
 */

/** A day shows up to this many items; with more, one fewer and "+N more". */
export const MONTH_DAY_ITEMS = 4;

/** What the "+N more" item of a day carries: the day (YYYY-MM-DD, in the viewer's zone). */
export type MoreItemsRef = { type: 'more'; date: string; hidden: number };

const DAY_MS = 86_400_000;

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayOfIso = (date: string) => Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS);

interface Placed {
  event: EventInput;
  /** Wall-clock day numbers (days since 1970-01-01 in the zone), first and last. */
  first: number;
  last: number;
  /** Wall-clock start and length, for FullCalendar's order ("start,-duration,allDay,title"). */
  start: number;
  length: number;
}

function place(event: EventInput, zone: string): Placed | null {
  if (event.allDay && typeof event.start === 'string') {
    const first = dayOfIso(event.start);
    const last = typeof event.end === 'string' ? Math.max(first, dayOfIso(event.end) - 1) : first;
    return { event, first, last, start: first * DAY_MS, length: (last - first + 1) * DAY_MS };
  }
  if (typeof event.start !== 'number') return null;
  const start = wallClockMs(zone, event.start);
  const end = typeof event.end === 'number' ? wallClockMs(zone, event.end) : start;
  const first = Math.floor(start / DAY_MS);
  // Ending at midnight is the day before (FullCalendar's nextDayThreshold, 00:00).
  const last = Math.max(first, Math.floor((Math.max(end, start + 1) - 1) / DAY_MS));
  return { event, first, last, start, length: end - start };
}

const byCalendarOrder = (a: Placed, b: Placed) =>
  a.start - b.start || b.length - a.length || String(a.event.title).localeCompare(String(b.event.title));

/**
 * The items Month view draws: every day with at most MONTH_DAY_ITEMS of them, a day with more as
 * its first ones (FullCalendar's order) and "+N more". Items over several days are always drawn
 * (they hold a row across days) and count on each day they cover.
 */
export function monthViewEvents(events: EventInput[], zone: string): EventInput[] {
  const spanning: Placed[] = [];
  const byDay = new Map<number, Placed[]>();
  const kept: EventInput[] = [];
  for (const event of events) {
    const placed = place(event, zone);
    if (!placed) kept.push(event);
    else if (placed.last > placed.first) spanning.push(placed);
    else {
      const day = byDay.get(placed.first);
      if (day) day.push(placed);
      else byDay.set(placed.first, [placed]);
    }
  }
  const spanningOn = (day: number) => spanning.filter((item) => item.first <= day && day <= item.last).length;
  kept.push(...spanning.map((item) => item.event));
  for (const [day, items] of byDay) {
    const room = MONTH_DAY_ITEMS - spanningOn(day);
    if (items.length <= room) {
      kept.push(...items.map((item) => item.event));
      continue;
    }
    const shown = Math.max(0, room - 1);
    const sorted = [...items].sort(byCalendarOrder);
    kept.push(...sorted.slice(0, shown).map((item) => item.event));
    kept.push(moreItem(isoDay(day), sorted.length - shown));
  }
  return kept;
}

function moreItem(date: string, hidden: number): EventInput {
  return {
    id: `more:${date}`,
    title: `+${hidden} more`,
    start: date,
    allDay: true,
    editable: false,
    classNames: ['tandem-more-items'],
    backgroundColor: 'transparent',
    borderColor: 'transparent',
    textColor: '#1e293b',
    // Below the day's items: Month view's eventOrder starts with "-moreItems" (none sorts first).
    extendedProps: { ref: { type: 'more', date, hidden } satisfies MoreItemsRef, moreItems: 1 },
  };
}
