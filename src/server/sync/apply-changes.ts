import { and, eq, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { externalEvents, type MirrorAttendee } from '@/server/db/schema';
import { ringCalendarBell } from '@/server/calendar/change-bell';
import { lastOccurrenceStart } from '@/server/calendar/recurrence-expansion';
import type { EventChange, EventTime, ProviderAttendee, ProviderEvent } from '@/server/providers/types';
import { type MirrorRow, upsertMirrorRows } from './mirror-upsert';

/**
 * Writes provider changes into the mirror (`external_events`), one page at a time, one upsert
 * statement a page (mirror-upsert.ts): upserts by the natural key (calendar, external id), so
 * replaying a page changes nothing.
 */

export interface MirrorTarget {
  tenantId: string;
  calendarId: string;
  /** Stamped on every row written; a full sync sweeps rows left with an older one. */
  generation: number;
  syncedAt: Date;
}

export interface AppliedCounts {
  upserted: number;
  removed: number;
  /**
   * Removals marked `instanceMeansCancelled` of ids the mirror did not hold: plain occurrences,
   * which the mirror folds into their master (vanished-series.ts looks for masters gone with them).
   */
  unplacedInstanceRemovals: number;
  /** The masters of exceptions kept as cancelled because the provider only said "removed". */
  mastersOfRemovedInstances: string[];
}

/**
 * Rows per upsert statement: a provider page (Google's largest is 2,500) goes in one statement,
 * one round trip; the cap only bounds the size of the one jsonb parameter.
 */
const BATCH_ROWS = 2_500;
/** Ids per DELETE … IN: well under PostgreSQL's 65,535 bind parameters. */
const BATCH_IDS = 1_000;

export async function applyChanges(
  db: Executor,
  target: MirrorTarget,
  changes: EventChange[],
): Promise<AppliedCounts> {
  // A page may mention an event twice; the later mention is the newer state, and one INSERT … ON
  // CONFLICT may not touch the same row twice.
  const latest = new Map<string, EventChange>();
  for (const change of changes) {
    const id = change.type === 'upsert' ? change.event.externalId : change.externalId;
    latest.delete(id);
    latest.set(id, change);
  }
  const rows: MirrorRow[] = [];
  const gone: string[] = [];
  const maybeInstances: string[] = [];
  for (const change of latest.values()) {
    if (change.type === 'upsert') rows.push(toMirrorRow(target, change.event));
    else if (change.instanceMeansCancelled) maybeInstances.push(change.externalId);
    else gone.push(change.externalId);
  }
  for (let index = 0; index < rows.length; index += BATCH_ROWS) {
    await upsertMirrorRows(db, rows.slice(index, index + BATCH_ROWS));
  }
  const cancelled = await cancelRemovedInstances(db, target, maybeInstances);
  const removed = [
    ...gone,
    ...maybeInstances.filter((id) => !cancelled.has(id)),
    ...(await exceptionsNoLongerThere(db, target, [...latest.values()])),
  ];
  const held = new Set<string>();
  for (let index = 0; index < removed.length; index += BATCH_IDS) {
    const deleted = await db
      .delete(externalEvents)
      .where(
        and(
          eq(externalEvents.tenantId, target.tenantId),
          eq(externalEvents.calendarId, target.calendarId),
          inArray(externalEvents.externalId, removed.slice(index, index + BATCH_IDS)),
        ),
      )
      .returning({ externalId: externalEvents.externalId });
    for (const row of deleted) held.add(row.externalId);
  }
  // Open Calendar pages look again (a hint; they re-check periodically anyway).
  if (rows.length > 0 || removed.length > 0) ringCalendarBell(target.tenantId);
  // A removal kept as a cancelled exception is a change of that row, as Google's upsert of it is.
  return {
    upserted: rows.length + cancelled.size,
    removed: removed.length,
    unplacedInstanceRemovals: maybeInstances.filter((id) => !cancelled.has(id) && !held.has(id)).length,
    mastersOfRemovedInstances: [...new Set(cancelled.values())],
  };
}

/** The mirror's exceptions of the `wholeSeries` masters in the page that the page no longer has. */
async function exceptionsNoLongerThere(
  db: Executor,
  target: MirrorTarget,
  changes: EventChange[],
): Promise<string[]> {
  const masters = changes.flatMap((change) =>
    change.type === 'upsert' && change.wholeSeries ? [change.event.externalId] : [],
  );
  if (masters.length === 0) return [];
  const inPage = new Set(
    changes.flatMap((change) => (change.type === 'upsert' ? [change.event.externalId] : [])),
  );
  const held = await db
    .select({ externalId: externalEvents.externalId })
    .from(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, target.tenantId),
        eq(externalEvents.calendarId, target.calendarId),
        inArray(externalEvents.seriesExternalId, masters),
      ),
    );
  return held.map((row) => row.externalId).filter((id) => !inPage.has(id));
}

/**
 * Of the ids removed with `instanceMeansCancelled`, the exceptions of a series the mirror still
 * holds become cancelled exceptions (as Google reports a cancelled instance): their occurrence was
 * cancelled. Returns those ids with their masters'; the rest are removed as usual.
 */
async function cancelRemovedInstances(
  db: Executor,
  target: MirrorTarget,
  ids: string[],
): Promise<Map<string, string>> {
  const cancelled = new Map<string, string>();
  for (let index = 0; index < ids.length; index += BATCH_IDS) {
    const instances = await db
      .select({ externalId: externalEvents.externalId, seriesExternalId: externalEvents.seriesExternalId })
      .from(externalEvents)
      .where(
        and(
          eq(externalEvents.tenantId, target.tenantId),
          eq(externalEvents.calendarId, target.calendarId),
          inArray(externalEvents.externalId, ids.slice(index, index + BATCH_IDS)),
          isNotNull(externalEvents.seriesExternalId),
          isNotNull(externalEvents.originalStartAt),
        ),
      );
    const masterIds = [
      ...new Set(instances.flatMap((row) => (row.seriesExternalId ? [row.seriesExternalId] : []))),
    ];
    if (masterIds.length === 0) continue;
    const masters = await db
      .select({ externalId: externalEvents.externalId })
      .from(externalEvents)
      .where(
        and(
          eq(externalEvents.tenantId, target.tenantId),
          eq(externalEvents.calendarId, target.calendarId),
          inArray(externalEvents.externalId, masterIds),
        ),
      );
    const held = new Set(masters.map((row) => row.externalId));
    const toCancel = instances.filter((row) => row.seriesExternalId && held.has(row.seriesExternalId));
    if (toCancel.length === 0) continue;
    await db
      .update(externalEvents)
      // Not the version we last wrote or read (its etag), and changed when we learnt of it.
      .set({
        status: 'cancelled',
        etag: null,
        providerUpdatedAt: target.syncedAt,
        syncedAt: target.syncedAt,
        fullSyncGeneration: target.generation,
      })
      .where(
        and(
          eq(externalEvents.tenantId, target.tenantId),
          eq(externalEvents.calendarId, target.calendarId),
          inArray(
            externalEvents.externalId,
            toCancel.map((row) => row.externalId),
          ),
        ),
      );
    for (const row of toCancel) if (row.seriesExternalId) cancelled.set(row.externalId, row.seriesExternalId);
  }
  return cancelled;
}

/** After a full sync: whatever it did not see is gone at the provider (mark and sweep). */
export async function sweepUnseenEvents(
  db: Executor,
  target: Omit<MirrorTarget, 'syncedAt'>,
): Promise<number> {
  const swept = await db
    .delete(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, target.tenantId),
        eq(externalEvents.calendarId, target.calendarId),
        lt(externalEvents.fullSyncGeneration, target.generation),
      ),
    )
    .returning({ id: externalEvents.id });
  return swept.length;
}

/** The mirror's row for a provider event (all-day: dates, plus 00:00 UTC instants for range queries). */
export function toMirrorRow(target: MirrorTarget, event: ProviderEvent): MirrorRow {
  const span = timeSpan(event.time);
  const recurrence = event.recurrence && event.recurrence.length > 0 ? event.recurrence : null;
  return {
    tenantId: target.tenantId,
    calendarId: target.calendarId,
    externalId: event.externalId,
    icalUid: event.iCalUid,
    etag: event.etag,
    status: event.status,
    title: event.title,
    location: event.location,
    startAt: span.start,
    endAt: span.end,
    allDay: event.time.kind === 'allDay',
    startDate: event.time.kind === 'allDay' ? event.time.startDate : null,
    endDate: event.time.kind === 'allDay' ? event.time.endDate : null,
    timeZone: event.time.kind === 'timed' ? event.time.timeZone : null,
    recurrence,
    seriesEndAt: recurrence ? seriesEnd(event.time, recurrence, span) : null,
    seriesExternalId: event.seriesExternalId,
    originalStartAt: event.originalStart ? timeSpan(event.originalStart).start : null,
    transparency: event.transparency,
    showAs: event.showAs,
    organizerEmail: event.organizer?.email ?? null,
    attendees: event.attendees.map(mirrorAttendee),
    tandemMeetingId: event.tandemMeetingId,
    sequence: event.sequence,
    providerUpdatedAt: event.updatedAt,
    fullSyncGeneration: target.generation,
    syncedAt: target.syncedAt,
  };
}

/** Only what the adapter reported: an absent field means the provider does not say (MirrorAttendee). */
function mirrorAttendee(attendee: ProviderAttendee): MirrorAttendee {
  return {
    email: attendee.email,
    name: attendee.name,
    response: attendee.response,
    ...(attendee.comment !== undefined ? { comment: attendee.comment } : {}),
    ...(attendee.respondedAt !== undefined
      ? { respondedAt: attendee.respondedAt?.toISOString() ?? null }
      : {}),
    ...(attendee.proposedTime !== undefined
      ? {
          proposedTime: attendee.proposedTime
            ? {
                start: attendee.proposedTime.start.toISOString(),
                end: attendee.proposedTime.end.toISOString(),
              }
            : null,
        }
      : {}),
  };
}

export function timeSpan(time: EventTime): { start: Date; end: Date } {
  if (time.kind === 'timed') return { start: time.start, end: time.end };
  return { start: new Date(`${time.startDate}T00:00:00Z`), end: new Date(`${time.endDate}T00:00:00Z`) };
}

/** When the last occurrence ends; null for an endless series (so range queries keep it). */
function seriesEnd(time: EventTime, recurrence: string[], span: { start: Date; end: Date }): Date | null {
  const start =
    time.kind === 'timed'
      ? ({ kind: 'timed', start: time.start, timeZone: time.timeZone } as const)
      : ({ kind: 'allDay', startDate: time.startDate } as const);
  try {
    const last = lastOccurrenceStart({ recurrence, start });
    return last ? new Date(last.getTime() + (span.end.getTime() - span.start.getTime())) : null;
  } catch {
    // An RRULE we cannot read: treat the series as endless rather than hide it.
    return null;
  }
}
