import { DateTime } from 'luxon';
import type { Connection } from './types';

export type StatusTone = 'ok' | 'busy' | 'warning' | 'error';

/** True while the list should be polled: something is still being imported or synced. */
export function isSyncing(connection: Connection): boolean {
  if (connection.status !== 'active') return false;
  // Just connected: the calendar list itself is still being fetched.
  if (connection.calendars.length === 0 && !connection.lastSyncedAt) return true;
  return connection.calendars.some(
    (calendar) => calendar.syncState === 'pending' || calendar.syncState === 'syncing',
  );
}

export function formatSyncTime(instant: Date, zone: string): string {
  const local = DateTime.fromJSDate(instant, { zone });
  const today = DateTime.now().setZone(zone);
  return local.hasSame(today, 'day') ? local.toFormat('HH:mm') : local.toFormat('d LLLL yyyy, HH:mm');
}

/** The connection's state in words; colour only repeats it. */
export function describeConnectionStatus(
  connection: Connection,
  zone: string,
): { text: string; tone: StatusTone } {
  if (connection.status === 'needs_reauth') return { text: 'Needs reconnecting', tone: 'warning' };
  if (connection.status === 'error') {
    return { text: `Error: ${connection.lastError ?? 'the last sync failed'}`, tone: 'error' };
  }
  if (isSyncing(connection) || !connection.lastSyncedAt) return { text: 'Syncing…', tone: 'busy' };
  const failed = connection.calendars.find((calendar) => calendar.syncState === 'error');
  if (failed)
    return { text: `Error: ${failed.lastError ?? `${failed.name} could not be synced`}`, tone: 'error' };
  return { text: `Up to date — last synced at ${formatSyncTime(connection.lastSyncedAt, zone)}`, tone: 'ok' };
}
