import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAnswersFromMirror } from '@/server/answers/answers-from-mirror';
import { calendars, syncCursors } from '@/server/db/schema';
import { settleVanishedAttendeeCopies } from '@/server/convergence/attendee-copies';
import { convergeMeetingCopies, type ConvergeResult } from '@/server/convergence/converge-copies';
import { applyOrganizerOccurrenceChanges } from '@/server/convergence/occurrence-exceptions';
import { linkMeetingCopies, type LinkResult } from '@/server/delivery/link-copies';
import { writeAnswersOntoNewCopies } from '@/server/answers/answers-onto-new-copies';
import { CursorExpiredError, ProviderAuthRevokedError, ProviderError } from '@/server/providers/errors';
import type { CalendarProvider } from '@/server/providers/types';
import { type CalendarRef, loadCalendarForSync } from './calendar-for-sync';
import { applyChanges, sweepUnseenEvents } from './apply-changes';
import { removeVanishedSeries, type RoundRemovals } from './vanished-series';
import {
  markConnectionNeedsReauth,
  recordConnectionError,
  recordConnectionSynced,
} from './connection-health';
import { syncWindowAt, type SyncDeps } from './deps';
import { startPushSync } from './push-sync-queue';

export interface SyncResult {
  /** `incremental`: from the stored cursor; `full`: the window re-read (first import or expired cursor). */
  mode: 'incremental' | 'full' | 'skipped';
  /** `needs_reauth`: access was revoked; nothing was changed in the mirror. */
  outcome: 'synced' | 'needs_reauth';
  upserted: number;
  removed: number;
  /** Rows a full sync found gone at the provider. */
  swept: number;
  /** The stored cursor had expired and a full resync replaced it. */
  cursorExpired: boolean;
  /** Copies of Tandem meetings found in the mirror (delivery/link-copies.ts); absent when nothing was read. */
  links?: LinkResult;
  /** What copies of meetings changed in this calendar did to the meetings (convergence/). */
  converged?: ConvergeResult;
}

/**
 * Mirrors one calendar (DESIGN.md §4 rules 1 and 6): incremental from the stored cursor, or a full
 * sync of the window when there is none or the provider refused it. Pages are applied as they
 * arrive and the cursor is saved only after the last one, so a run that fails half-way is simply
 * replayed; replaying a finished run changes nothing. Revoked access marks the connection
 * `needs_reauth` and returns; other provider errors are recorded and rethrown for the job to retry.
 */
export async function syncCalendar(deps: SyncDeps, ref: CalendarRef): Promise<SyncResult> {
  const { db } = deps;
  const startedAt = deps.now();
  const row = await loadCalendarForSync(db, ref);
  if (row.cursor?.pushSyncQueuedAt) await startPushSync(db, ref);
  const health = { tenantId: ref.tenantId, connectionId: row.connection.id, calendarId: ref.calendarId };
  if (row.connection.status === 'needs_reauth') return emptyResult('skipped', 'needs_reauth');

  try {
    const provider = await deps.providers.forConnection(db, row.connection);
    const result =
      row.cursor?.cursor && !windowOutgrown(deps, row.cursor)
        ? await incrementalOrFull(deps, provider, row.calendar.externalId, ref, row.cursor)
        : await fullSync(
            deps,
            provider,
            row.calendar.externalId,
            ref,
            row.cursor?.fullSyncGeneration ?? 0,
            false,
          );
    // Once per run, after every page: copies of meetings are linked, our own echoes recognised.
    if (result.upserted > 0) result.links = await linkMeetingCopies(db, ref, deps.now());
    if (result.links) await writeAnswersOntoNewCopies(deps, ref.tenantId, result.links.linkedAttendees);
    // Meetings follow what their organiser changed in this calendar, before answers are read
    // from the copies, so a move's reset does not undo the answers given since.
    result.converged = await convergeMeetingCopies(deps, ref, result.links);
    if (result.upserted > 0) await applyOrganizerOccurrenceChanges(deps, ref);
    // Answers travel on synced copies of meetings: the organiser's, or the attendee's own.
    await recordAnswersFromMirror(deps, { ...ref, syncedSince: startedAt });
    // Attendees' deleted copies waiting for this (organiser's) calendar's word on their answer.
    await settleVanishedAttendeeCopies(deps, ref);
    await recordConnectionSynced(db, health, deps.now());
    return result;
  } catch (error) {
    if (error instanceof ProviderAuthRevokedError) {
      await markConnectionNeedsReauth(db, health, deps.now());
      return emptyResult('skipped', 'needs_reauth');
    }
    if (error instanceof ProviderError) await recordConnectionError(db, health, error, deps.now());
    throw error;
  }
}

/** Re-read the window once a week: windowed cursors (Graph delta) never see events beyond their end. */
const WINDOW_REFRESH_DAYS = 7;

function windowOutgrown(deps: SyncDeps, cursor: typeof syncCursors.$inferSelect): boolean {
  if (!cursor.windowEnd) return true;
  const wanted = syncWindowAt(deps.now(), deps.window).end.getTime();
  return cursor.windowEnd.getTime() < wanted - WINDOW_REFRESH_DAYS * 86_400_000;
}

async function incrementalOrFull(
  deps: SyncDeps,
  provider: CalendarProvider,
  externalCalendarId: string,
  ref: CalendarRef,
  cursor: typeof syncCursors.$inferSelect,
): Promise<SyncResult> {
  try {
    return await incrementalSync(deps, provider, externalCalendarId, ref, cursor);
  } catch (error) {
    if (!(error instanceof CursorExpiredError)) throw error;
    return fullSync(deps, provider, externalCalendarId, ref, cursor.fullSyncGeneration, true);
  }
}

async function incrementalSync(
  deps: SyncDeps,
  provider: CalendarProvider,
  externalCalendarId: string,
  ref: CalendarRef,
  cursor: typeof syncCursors.$inferSelect,
): Promise<SyncResult> {
  const window = { start: cursor.windowStart ?? deps.now(), end: cursor.windowEnd ?? deps.now() };
  const target = { ...ref, generation: cursor.fullSyncGeneration, syncedAt: deps.now() };
  const result = emptyResult('incremental', 'synced');
  let nextCursor: string | null = null;
  const removals: RoundRemovals = { unplaced: 0, masters: new Set(), upserted: new Set() };
  for await (const page of readAhead(provider.readChanges(externalCalendarId, cursor.cursor, window))) {
    const applied = await applyChanges(deps.db, target, page.changes);
    result.upserted += applied.upserted;
    result.removed += applied.removed;
    removals.unplaced += applied.unplacedInstanceRemovals;
    for (const master of applied.mastersOfRemovedInstances) removals.masters.add(master);
    for (const change of page.changes)
      if (change.type === 'upsert') removals.upserted.add(change.event.externalId);
    nextCursor = page.nextCursor ?? nextCursor;
  }
  // Before the cursor moves on: a run that fails here is replayed and asks again.
  result.removed += await removeVanishedSeries(
    deps.db,
    provider,
    externalCalendarId,
    target,
    window,
    removals,
  );
  if (nextCursor) {
    // Only move forward from the cursor this run started with; a concurrent run that already
    // advanced it wins.
    await deps.db
      .update(syncCursors)
      .set({ cursor: nextCursor, updatedAt: deps.now() })
      .where(
        and(
          eq(syncCursors.tenantId, ref.tenantId),
          eq(syncCursors.calendarId, ref.calendarId),
          eq(syncCursors.cursor, cursor.cursor ?? ''),
        ),
      );
  }
  return result;
}

async function fullSync(
  deps: SyncDeps,
  provider: CalendarProvider,
  externalCalendarId: string,
  ref: CalendarRef,
  previousGeneration: number,
  cursorExpired: boolean,
): Promise<SyncResult> {
  const generation = previousGeneration + 1;
  const window = syncWindowAt(deps.now(), deps.window);
  await deps.db
    .update(calendars)
    .set({ syncState: 'syncing' })
    .where(
      and(
        eq(calendars.tenantId, ref.tenantId),
        eq(calendars.id, ref.calendarId),
        isNull(calendars.lastSyncedAt),
      ),
    );
  const target = { ...ref, generation, syncedAt: deps.now() };
  const result = { ...emptyResult('full', 'synced'), cursorExpired };
  let nextCursor: string | null = null;
  for await (const page of readAhead(provider.readChanges(externalCalendarId, null, window))) {
    const applied = await applyChanges(deps.db, target, page.changes);
    result.upserted += applied.upserted;
    result.removed += applied.removed;
    nextCursor = page.nextCursor ?? nextCursor;
  }
  result.swept = await sweepUnseenEvents(deps.db, {
    tenantId: ref.tenantId,
    calendarId: ref.calendarId,
    generation,
  });
  const saved = {
    cursor: nextCursor,
    windowStart: window.start,
    windowEnd: window.end,
    fullSyncGeneration: generation,
    updatedAt: deps.now(),
  };
  await deps.db
    .insert(syncCursors)
    .values({ calendarId: ref.calendarId, tenantId: ref.tenantId, ...saved })
    .onConflictDoUpdate({
      target: syncCursors.calendarId,
      set: saved,
      setWhere: sql`${syncCursors.tenantId} = ${ref.tenantId}`,
    });
  return result;
}

/**
 * Asks for the next page while the caller writes the current one, so provider and database work
 * overlap; at most two pages are in memory, however large the calendar.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = iterator.next();
    // If the caller stops (a write failed), this read's outcome no longer matters.
    next.catch(() => undefined);
    yield current.value;
  }
}

function emptyResult(mode: SyncResult['mode'], outcome: SyncResult['outcome']): SyncResult {
  return { mode, outcome, upserted: 0, removed: 0, swept: 0, cursorExpired: false };
}
