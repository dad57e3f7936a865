import type { EventInput } from '@fullcalendar/core';
import { describe, expect, it } from 'vitest';
import { MONTH_DAY_ITEMS, monthViewEvents, type MoreItemsRef } from './month-days';

const at = (iso: string) => new Date(iso).getTime();
const timed = (id: string, start: string, minutes = 30): EventInput => ({
  id,
  title: id,
  start: at(start),
  end: at(start) + minutes * 60_000,
});
const ids = (events: EventInput[]) => events.map((event) => event.id);
const moreOf = (events: EventInput[]) =>
  events
    .filter((event) => String(event.id).startsWith('more:'))
    .map((event) => event.extendedProps?.ref as MoreItemsRef);

describe('monthViewEvents', () => {
  it('hands over a day of up to four items as it is', () => {
    const day = ['09:00', '10:00', '11:00', '12:00'].map((time, i) =>
      timed(`t${i}`, `2026-12-03T${time}:00Z`),
    );
    expect(monthViewEvents(day, 'Europe/London')).toEqual(day);
    expect(MONTH_DAY_ITEMS).toBe(4);
  });

  it('keeps a crowded day’s first three (by start) and one "+N more" that names the day', () => {
    const starts = ['15:00', '09:00', '13:00', '10:30', '09:00', '11:00'];
    const day = starts.map((time, i) => timed(`t${i}`, `2026-12-03T${time}:00Z`, 30 + i));
    const shown = monthViewEvents(day, 'Europe/London');
    // Same start: the longer first (FullCalendar's "start,-duration").
    expect(ids(shown)).toEqual(['t4', 't1', 't3', 'more:2026-12-03']);
    expect(moreOf(shown)).toEqual([{ type: 'more', date: '2026-12-03', hidden: 3 }]);
    expect(shown.at(-1)).toMatchObject({
      title: '+3 more',
      start: '2026-12-03',
      allDay: true,
      editable: false,
    });
  });

  it('counts days in the viewer’s zone', () => {
    // 23:30 UTC on 2 December is 08:30 on 3 December in Tokyo.
    const items = [
      timed('late', '2026-12-02T23:30:00Z'),
      ...['01:00', '02:00', '03:00', '04:00'].map((time, i) => timed(`t${i}`, `2026-12-03T${time}:00Z`)),
    ];
    // Four on 3 December in UTC; five in Tokyo.
    expect(moreOf(monthViewEvents(items, 'UTC'))).toEqual([]);
    expect(moreOf(monthViewEvents(items, 'Asia/Tokyo'))).toEqual([
      { type: 'more', date: '2026-12-03', hidden: 2 },
    ]);
  });

  it('always draws items over several days, and counts them on each day they cover', () => {
    const trip: EventInput = {
      id: 'trip',
      title: 'trip',
      start: '2026-12-02',
      end: '2026-12-05',
      allDay: true,
    };
    const holiday: EventInput = { id: 'holiday', title: 'holiday', start: '2026-12-04', allDay: true };
    const thursday = ['09:00', '10:00', '11:00', '12:00'].map((time, i) =>
      timed(`t${i}`, `2026-12-03T${time}:00Z`),
    );
    const shown = monthViewEvents([trip, holiday, ...thursday], 'UTC');
    // The trip covers 2–4 December (the end is exclusive): Thursday has room for two and "+2 more".
    expect(ids(shown)).toEqual(['trip', 'holiday', 't0', 't1', 'more:2026-12-03']);
    // An item ending at midnight belongs to its day only.
    const toMidnight = timed('evening', '2026-12-03T22:00:00Z', 120);
    expect(monthViewEvents([toMidnight, ...thursday], 'UTC').map((e) => e.id)).toEqual([
      't0',
      't1',
      't2',
      'more:2026-12-03',
    ]);
  });
});
