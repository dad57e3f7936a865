import type { BusyInterval, ProviderEvent, TimeWindow } from '../types';

/**
 * Busy intervals derived from expanded events: most CalDAV servers have no dependable
 * free-busy-query (iCloud answers 400, Radicale has none), and the account's own events are at
 * hand. Free (transparent) and cancelled events do not count; the result is sorted and clipped to
 * the window. All-day events count from UTC midnight, as the account's zone is not known here.
 */
export function busyIntervals(events: ProviderEvent[], window: TimeWindow): BusyInterval[] {
  const from = window.start.getTime();
  const to = window.end.getTime();
  return events
    .filter(
      (event) =>
        event.status !== 'cancelled' && event.transparency !== 'transparent' && event.showAs !== 'free',
    )
    .map((event) => {
      const start =
        event.time.kind === 'timed'
          ? event.time.start.getTime()
          : Date.parse(`${event.time.startDate}T00:00:00Z`);
      const end =
        event.time.kind === 'timed'
          ? event.time.end.getTime()
          : Date.parse(`${event.time.endDate}T00:00:00Z`);
      return {
        start: new Date(Math.max(start, from)),
        end: new Date(Math.min(end, to)),
        showAs: event.showAs,
      };
    })
    .filter((interval) => interval.end.getTime() > interval.start.getTime())
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}
