import type { DateTime } from 'luxon';
import { instancesInWindow, instantsOf } from './instances';
import type { MicrosoftStore } from './store';
import type { InstanceView } from './store-types';

/** The instances of a calendar in a window, sorted by start: what calendarView and delta see. */
export function calendarViewInstances(
  store: MicrosoftStore,
  calendarId: string,
  window: { start: DateTime; end: DateTime },
  floatingZone: string,
): InstanceView[] {
  const views = store
    .eventsOfCalendar(calendarId)
    .flatMap((event) => instancesInWindow(event, window, floatingZone));
  const startOf = (view: InstanceView) => instantsOf(view.content.time, floatingZone).start.toMillis();
  return views.sort((a, b) => startOf(a) - startOf(b) || a.id.localeCompare(b.id));
}
