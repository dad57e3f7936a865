import { DateTime } from 'luxon';
import { expandRecurrenceDates } from './recurrence';
import type { EventContent, EventRecord, EventTimeRecord, InstanceView } from './store-types';
import { toIanaZone } from './time-zones';

/**
 * Turns stored events into what calendarView shows: single instances, occurrences and
 * exceptions of series. Occurrence ids are the master id plus the original start, so an
 * occurrence can be addressed (GET / PATCH / DELETE / cancel) without being stored.
 */

export interface Window {
  start: DateTime;
  end: DateTime;
}

function zoneOf(name: string): string {
  return toIanaZone(name) ?? 'UTC';
}

/** Start and end instants of a time record; all-day dates are midnights in `floatingZone`. */
export function instantsOf(time: EventTimeRecord, floatingZone: string): { start: DateTime; end: DateTime } {
  if (time.kind === 'timed') {
    return {
      start: DateTime.fromISO(time.startUtc, { zone: 'utc' }),
      end: DateTime.fromISO(time.endUtc, { zone: 'utc' }),
    };
  }
  return {
    start: DateTime.fromISO(time.startDate, { zone: floatingZone }),
    end: DateTime.fromISO(time.endDate, { zone: floatingZone }),
  };
}

function overlaps(time: EventTimeRecord, window: Window, floatingZone: string): boolean {
  const { start, end } = instantsOf(time, floatingZone);
  // A zero-length event at the window start still counts, as in Graph.
  return start < window.end && (end > window.start || (end.equals(start) && start >= window.start));
}

function occurrenceSuffix(key: string): string {
  return key.replace(/[-:]/g, '').replace(/\.\d+/, '');
}

export function occurrenceId(masterId: string, key: string): string {
  return `${masterId}_${occurrenceSuffix(key)}`;
}

/** The time of the occurrence that falls on local `date`, before any exception applies. */
function occurrenceTime(master: EventRecord, date: string): { key: string; time: EventTimeRecord } {
  const time = master.time;
  if (time.kind === 'allDay') {
    const days = DateTime.fromISO(time.endDate).diff(DateTime.fromISO(time.startDate), 'days').days;
    const endDate = DateTime.fromISO(date).plus({ days }).toISODate() ?? date;
    return { key: date, time: { ...time, startDate: date, endDate } };
  }
  const zone = zoneOf(time.startZone);
  const masterStart = DateTime.fromISO(time.startUtc, { zone: 'utc' }).setZone(zone);
  const duration = DateTime.fromISO(time.endUtc).toMillis() - DateTime.fromISO(time.startUtc).toMillis();
  const local = DateTime.fromISO(date, { zone }).set({
    hour: masterStart.hour,
    minute: masterStart.minute,
    second: masterStart.second,
  });
  const startUtc = local.toUTC();
  const key = startUtc.toISO({ suppressMilliseconds: true }) ?? '';
  return {
    key,
    time: {
      ...time,
      startUtc: key,
      endUtc: startUtc.plus({ milliseconds: duration }).toISO({ suppressMilliseconds: true }) ?? '',
    },
  };
}

function occurrenceView(master: EventRecord, key: string, time: EventTimeRecord): InstanceView {
  const content: EventContent = { ...master, time };
  return {
    id: occurrenceId(master.id, key),
    type: 'occurrence',
    master,
    content,
    changeKey: master.changeKey,
    lastModified: master.lastModified,
    originalStartKey: key,
  };
}

export function masterView(event: EventRecord): InstanceView {
  return {
    id: event.id,
    type: event.type,
    master: event,
    content: event,
    changeKey: event.changeKey,
    lastModified: event.lastModified,
    originalStartKey: null,
  };
}

function exceptionViews(master: EventRecord): InstanceView[] {
  return [...master.exceptions.entries()].map(([key, exception]) => ({
    id: exception.id,
    type: 'exception' as const,
    master,
    content: exception,
    changeKey: exception.changeKey,
    lastModified: exception.lastModified,
    originalStartKey: key,
  }));
}

/** Occurrences of a series whose original start falls within the local date range. */
function seriesOccurrences(master: EventRecord, fromDate: string, toDate: string): InstanceView[] {
  if (!master.recurrence) return [];
  return expandRecurrenceDates(master.recurrence, fromDate, toDate)
    .map((date) => occurrenceTime(master, date))
    .filter(({ key }) => !master.cancelledOccurrences.has(key) && !master.exceptions.has(key))
    .map(({ key, time }) => occurrenceView(master, key, time));
}

/** What calendarView shows of one stored event within the window. */
export function instancesInWindow(event: EventRecord, window: Window, floatingZone: string): InstanceView[] {
  if (event.type === 'singleInstance') {
    return overlaps(event.time, window, floatingZone) ? [masterView(event)] : [];
  }
  const zone = event.time.kind === 'timed' ? zoneOf(event.time.startZone) : floatingZone;
  const { start, end } = instantsOf(event.time, floatingZone);
  const spanDays = Math.ceil(end.diff(start, 'days').days) + 1;
  const fromDate = window.start.setZone(zone).minus({ days: spanDays }).toISODate() ?? '';
  const toDate = window.end.setZone(zone).plus({ days: 1 }).toISODate() ?? '';
  const occurrences = seriesOccurrences(event, fromDate, toDate);
  return [...occurrences, ...exceptionViews(event)].filter((view) =>
    overlaps(view.content.time, window, floatingZone),
  );
}

/** Resolves an id that may name a master, a single event, an occurrence or an exception. */
export function resolveInstance(event: EventRecord, id: string): InstanceView | null {
  if (id === event.id) return masterView(event);
  for (const view of exceptionViews(event)) if (view.id === id) return view;
  if (!event.recurrence || !id.startsWith(`${event.id}_`)) return null;
  const suffix = id.slice(event.id.length + 1);
  const date = `${suffix.slice(0, 4)}-${suffix.slice(4, 6)}-${suffix.slice(6, 8)}`;
  // Timed occurrences are keyed in UTC; the local date may differ by one day either way.
  const around = DateTime.fromISO(date);
  if (!around.isValid) return null;
  const candidates = seriesOccurrences(
    event,
    around.minus({ days: 1 }).toISODate() ?? date,
    around.plus({ days: 1 }).toISODate() ?? date,
  );
  return candidates.find((view) => view.id === id) ?? null;
}
