import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { calendarConnections, calendars, externalEvents } from '@/server/db/schema';
import { ProviderAuthRevokedError, ProviderError } from '@/server/providers/errors';
import { type CalendarRef, loadCalendarForSync } from './calendar-for-sync';
import { applyChanges } from './apply-changes';
import { connectionMaySync, markConnectionNeedsReauth, recordConnectionError } from './connection-health';
import { syncWindowAt, type SyncDeps } from './deps';
import { listIntegrationTenants } from './push-channels';

/**
 * The periodic etag reconcile (DESIGN.md §4 rule 2): servers that never signal a lost cursor
 * (DAViCal answers an unknown sync-token with a listing that never reports removals) or that lose
 * changes silently still converge, once a day, without a full re-import.
 */

export interface ReconcileResult {
  outcome: 'reconciled' | 'not_supported' | 'needs_reauth';
  upserted: number;
  removed: number;
}

/** Providers that offer `reconcile` (CalDAV servers, iCloud). */
const RECONCILED_PROVIDERS = ['caldav', 'icloud'] as const;

/**
 * Compares one calendar's mirror with the provider's etag listing of the synced window and applies
 * the difference: missing and changed events refetched, gone ones removed. The sync cursor is left
 * alone: it stays valid for the next poll. Runs inside the calendar's sync job (one at a time per
 * calendar), so it never interleaves with an incremental sync.
 */
export async function reconcileCalendar(deps: SyncDeps, ref: CalendarRef): Promise<ReconcileResult> {
  const { db } = deps;
  const row = await loadCalendarForSync(db, ref);
  const result: ReconcileResult = { outcome: 'reconciled', upserted: 0, removed: 0 };
  if (row.connection.status === 'needs_reauth') return { ...result, outcome: 'needs_reauth' };
  const health = { tenantId: ref.tenantId, connectionId: row.connection.id, calendarId: ref.calendarId };

  try {
    const provider = await deps.providers.forConnection(db, row.connection);
    if (!provider.reconcile) return { ...result, outcome: 'not_supported' };
    const mirrored = await db
      .select({ externalId: externalEvents.externalId, etag: externalEvents.etag })
      .from(externalEvents)
      .where(and(eq(externalEvents.tenantId, ref.tenantId), eq(externalEvents.calendarId, ref.calendarId)));
    const known = new Map(mirrored.map((event) => [event.externalId, event.etag]));
    const fallback = syncWindowAt(deps.now(), deps.window);
    const window = {
      start: row.cursor?.windowStart ?? fallback.start,
      end: row.cursor?.windowEnd ?? fallback.end,
    };
    const target = { ...ref, generation: row.cursor?.fullSyncGeneration ?? 0, syncedAt: deps.now() };
    for await (const changes of provider.reconcile(row.calendar.externalId, window, known)) {
      const applied = await applyChanges(db, target, changes);
      result.upserted += applied.upserted;
      result.removed += applied.removed;
    }
    return result;
  } catch (error) {
    if (error instanceof ProviderAuthRevokedError) {
      await markConnectionNeedsReauth(db, health, deps.now());
      return { ...result, outcome: 'needs_reauth' };
    }
    if (error instanceof ProviderError) await recordConnectionError(db, health, error, deps.now());
    throw error;
  }
}

export interface CalendarDueForReconcile {
  tenantId: string;
  connectionId: string;
  calendarId: string;
}

/**
 * The calendars to reconcile in the hour `at` falls in: each CalDAV / iCloud calendar has one hour
 * of the day, from a hash of its id, so every calendar is reconciled once a day with no state to
 * keep, and the work is spread over the day instead of landing at once. Connections waiting for
 * reauthorization are left alone.
 */
export async function listCalendarsDueForReconcile(
  deps: Pick<SyncDeps, 'db'>,
  at: Date,
): Promise<CalendarDueForReconcile[]> {
  const hour = at.getUTCHours();
  const due: CalendarDueForReconcile[] = [];
  for (const tenantId of await listIntegrationTenants(deps)) {
    const rows = await deps.db
      .select({ calendarId: calendars.id, connectionId: calendars.connectionId })
      .from(calendars)
      .innerJoin(
        calendarConnections,
        and(eq(calendarConnections.id, calendars.connectionId), eq(calendarConnections.tenantId, tenantId)),
      )
      .where(
        and(
          eq(calendars.tenantId, tenantId),
          inArray(calendarConnections.provider, [...RECONCILED_PROVIDERS]),
          connectionMaySync(),
        ),
      );
    due.push(
      ...rows.filter((row) => reconcileHourOf(row.calendarId) === hour).map((row) => ({ tenantId, ...row })),
    );
  }
  return due;
}

/** 0–23: the UTC hour a calendar is reconciled in. */
export function reconcileHourOf(calendarId: string): number {
  return createHash('sha256').update(calendarId).digest().readUInt32BE(0) % 24;
}
