import type { CalendarHealth } from './people';
import type { UnknownSpan } from './timeline';

/** A calendar not synced for this long may be missing changes: its owner's free time is unknown. */
export const NOT_SYNCED_RECENTLY_MS = 12 * 3_600_000;

/**
 * Where Tandem cannot vouch that someone is free, and why (DESIGN.md §9): no calendar counted
 * for availability, a connection that needs reconnecting, a calendar not synced for a while, or
 * beyond the window its last full sync covered. Busy time still shows over these: only free time
 * becomes "no information".
 */
export function unknownSpansOf(
  calendars: CalendarHealth[],
  from: number,
  to: number,
  now: number,
): UnknownSpan[] {
  const counted = calendars.filter((calendar) => calendar.busy);
  if (counted.length === 0) return [{ start: from, end: to, reason: 'no_calendar_connected' }];
  const spans: UnknownSpan[] = [];
  for (const calendar of counted) {
    if (calendar.connectionStatus === 'needs_reauth') {
      spans.push({ start: from, end: to, reason: 'needs_reconnecting' });
      continue;
    }
    if (!calendar.lastSyncedAt || now - calendar.lastSyncedAt.getTime() > NOT_SYNCED_RECENTLY_MS)
      spans.push({ start: from, end: to, reason: 'not_synced_recently' });
    // No window recorded (a sync that keeps no window, such as a plain CalDAV listing): all of it.
    if (calendar.windowStart && calendar.windowStart.getTime() > from)
      spans.push({ start: from, end: calendar.windowStart.getTime(), reason: 'outside_sync_window' });
    if (calendar.windowEnd && calendar.windowEnd.getTime() < to)
      spans.push({ start: calendar.windowEnd.getTime(), end: to, reason: 'outside_sync_window' });
  }
  return spans;
}

/** The oldest last sync of the calendars counted, or null when none is (contract: lastSyncedAt). */
export function oldestSync(calendars: CalendarHealth[]): string | null {
  const counted = calendars.filter((calendar) => calendar.busy || calendar.show);
  if (counted.length === 0) return null;
  let oldest: number | null = null;
  for (const calendar of counted) {
    const at = calendar.lastSyncedAt?.getTime() ?? 0;
    oldest = oldest === null ? at : Math.min(oldest, at);
  }
  return oldest === null || oldest === 0 ? null : new Date(oldest).toISOString();
}
