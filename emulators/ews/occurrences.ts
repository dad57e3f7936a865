import { DateTime } from 'luxon';
import { expandRecurrenceDates } from '../microsoft/recurrence';
import { toIanaZone } from '../microsoft/time-zones';
import { occurrenceId } from './ids';
import type { AttendeeRecord, CalendarItemRecord, OccurrenceOverride, ResponseType } from './store-types';

/**
 * A calendar item as a CalendarView sees it: single items as they are, recurring masters
 * expanded into occurrences (CalendarItemType `Occurrence`) and exceptions (`Exception`).
 * EWS evaluates the pattern on wall-clock dates in the series' StartTimeZone, so 09:00 stays
 * 09:00 across a DST change.
 */
export interface ItemView {
  item: CalendarItemRecord;
  type: 'Single' | 'Occurrence' | 'Exception' | 'RecurringMaster';
  /** The id clients address: the item's, or the occurrence's. */
  id: string;
  changeKey: string;
  start: Date;
  end: Date;
  subject: string;
  location: string;
  body: string;
  /** The attendees and the mailbox's own response: an exception may hold its own. */
  attendees: AttendeeRecord[];
  myResponse: ResponseType;
  /** For occurrences and exceptions: the start the occurrence has in the pattern (RecurrenceId). */
  originalStart: Date | null;
}

export function zoneOf(item: CalendarItemRecord): string {
  return toIanaZone(item.timeZone) ?? 'UTC';
}

export function masterView(item: CalendarItemRecord): ItemView {
  return {
    item,
    type: item.recurrence ? 'RecurringMaster' : 'Single',
    id: item.id,
    changeKey: item.changeKey,
    start: item.start,
    end: item.end,
    subject: item.subject,
    location: item.location,
    body: item.body,
    attendees: item.attendees,
    myResponse: item.myResponse,
    originalStart: null,
  };
}

function occurrenceView(item: CalendarItemRecord, originalStart: Date): ItemView {
  const key = originalStart.toISOString();
  const override: OccurrenceOverride | undefined = item.modified.get(key);
  const duration = item.end.getTime() - item.start.getTime();
  return {
    item,
    type: override ? 'Exception' : 'Occurrence',
    id: occurrenceId(item.id, key),
    changeKey: override?.changeKey ?? item.changeKey,
    start: override?.start ?? originalStart,
    end: override?.end ?? new Date(originalStart.getTime() + duration),
    subject: override?.subject ?? item.subject,
    location: override?.location ?? item.location,
    body: override?.body ?? item.body,
    attendees: override?.attendees ?? item.attendees,
    myResponse: override?.myResponse ?? item.myResponse,
    originalStart,
  };
}

/** Original starts of the series' occurrences whose local date lies in [from, to]. */
function originalStarts(item: CalendarItemRecord, from: Date, to: Date): Date[] {
  if (!item.recurrence) return [];
  const zone = zoneOf(item);
  const first = DateTime.fromJSDate(item.start, { zone });
  const fromDate = DateTime.fromJSDate(from, { zone }).minus({ days: 1 }).toISODate() ?? '';
  const toDate = DateTime.fromJSDate(to, { zone }).plus({ days: 1 }).toISODate() ?? '';
  return expandRecurrenceDates(item.recurrence, fromDate, toDate).map((date) =>
    DateTime.fromISO(date, { zone })
      .set({ hour: first.hour, minute: first.minute, second: first.second, millisecond: 0 })
      .toJSDate(),
  );
}

/** Every view of the item overlapping [start, end): occurrences for a master (deleted ones left out). */
export function viewsInWindow(item: CalendarItemRecord, start: Date, end: Date): ItemView[] {
  if (!item.recurrence) {
    return item.start < end && item.end > start ? [masterView(item)] : [];
  }
  const duration = item.end.getTime() - item.start.getTime();
  const candidates = new Map<string, Date>();
  // Exceptions may have moved from outside the window into it.
  for (const key of item.modified.keys()) candidates.set(key, new Date(key));
  for (const original of originalStarts(item, new Date(start.getTime() - duration), end))
    candidates.set(original.toISOString(), original);
  return [...candidates.entries()]
    .filter(([key]) => !item.deleted.has(key))
    .map(([, original]) => occurrenceView(item, original))
    .filter((view) => view.start < end && view.end > start)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** The occurrence of `item` that starts (originally) at `originalStart`, if the series has one there. */
export function occurrenceAt(item: CalendarItemRecord, originalStart: string): ItemView | null {
  if (!item.recurrence || item.deleted.has(originalStart)) return null;
  const at = new Date(originalStart);
  if (Number.isNaN(at.getTime())) return null;
  const exists =
    item.modified.has(originalStart) ||
    originalStarts(item, at, at).some((candidate) => candidate.getTime() === at.getTime());
  return exists ? occurrenceView(item, at) : null;
}
