import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { externalEvents } from '@/server/db/schema';
import { lastOccurrenceStart } from '@/server/calendar/recurrence-expansion';
import type { EventChange, EventTime, ProviderEvent } from '@/server/providers/types';

/**
 * Writes provider changes into the mirror (`external_events`), one page at a time, in batches:
 * upserts by the natural key (calendar, external id), so replaying a page changes nothing.
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
}

type ExternalEventInsert = typeof externalEvents.$inferInsert;

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters at ~26 columns a row. */
const BATCH_ROWS = 1_000;

export async function applyChanges(db: Executor, target: MirrorTarget, changes: EventChange[]): Promise<AppliedCounts> {
  // A page may mention an event twice; the later mention is the newer state, and one INSERT … ON
  // CONFLICT may not touch the same row twice.
  const latest = new Map<string, EventChange>();
  for (const change of changes) {
    const id = change.type === 'upsert' ? change.event.externalId : change.externalId;
    latest.delete(id);
    latest.set(id, change);
  }
  const rows: ExternalEventInsert[] = [];
  const removed: string[] = [];
  for (const change of latest.values()) {
    if (change.type === 'removed') removed.push(change.externalId);
    else rows.push(toMirrorRow(target, change.event));
  }
  for (let index = 0; index < rows.length; index += BATCH_ROWS) {
    await upsertRows(db, rows.slice(index, index + BATCH_ROWS));
  }
  for (let index = 0; index < removed.length; index += BATCH_ROWS) {
    await db
      .delete(externalEvents)
      .where(
        and(
          eq(externalEvents.tenantId, target.tenantId),
          eq(externalEvents.calendarId, target.calendarId),
          inArray(externalEvents.externalId, removed.slice(index, index + BATCH_ROWS)),
        ),
      );
  }
  return { upserted: rows.length, removed: removed.length };
}

/** After a full sync: whatever it did not see is gone at the provider (mark and sweep). */
export async function sweepUnseenEvents(db: Executor, target: Omit<MirrorTarget, 'syncedAt'>): Promise<number> {
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

async function upsertRows(db: Executor, rows: ExternalEventInsert[]): Promise<void> {
  if (rows.length === 0) return;
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  const changed = (column: keyof typeof externalEvents.$inferSelect, name: string) =>
    sql`${externalEvents[column]} is distinct from ${excluded(name)}`;
  await db
    .insert(externalEvents)
    .values(rows)
    .onConflictDoUpdate({
      target: [externalEvents.calendarId, externalEvents.externalId],
      set: Object.fromEntries(UPDATED_COLUMNS.map(([key, name]) => [key, excluded(name)])),
      // A replayed page (same etags, same generation) writes nothing.
      setWhere: or(
        changed('etag', 'etag'),
        changed('status', 'status'),
        changed('startAt', 'start_at'),
        changed('endAt', 'end_at'),
        changed('fullSyncGeneration', 'full_sync_generation'),
      ),
    });
}

const UPDATED_COLUMNS: [keyof ExternalEventInsert, string][] = [
  ['icalUid', 'ical_uid'],
  ['etag', 'etag'],
  ['status', 'status'],
  ['title', 'title'],
  ['location', 'location'],
  ['startAt', 'start_at'],
  ['endAt', 'end_at'],
  ['allDay', 'all_day'],
  ['startDate', 'start_date'],
  ['endDate', 'end_date'],
  ['timeZone', 'time_zone'],
  ['recurrence', 'recurrence'],
  ['seriesEndAt', 'series_end_at'],
  ['seriesExternalId', 'series_external_id'],
  ['originalStartAt', 'original_start_at'],
  ['transparency', 'transparency'],
  ['showAs', 'show_as'],
  ['organizerEmail', 'organizer_email'],
  ['attendees', 'attendees'],
  ['tandemMeetingId', 'tandem_meeting_id'],
  ['providerUpdatedAt', 'provider_updated_at'],
  ['fullSyncGeneration', 'full_sync_generation'],
  ['syncedAt', 'synced_at'],
];

/** The mirror's row for a provider event (all-day: dates, plus 00:00 UTC instants for range queries). */
export function toMirrorRow(target: MirrorTarget, event: ProviderEvent): ExternalEventInsert {
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
    attendees: event.attendees.map((attendee) => ({ email: attendee.email, name: attendee.name, response: attendee.response })),
    tandemMeetingId: event.tandemMeetingId,
    providerUpdatedAt: event.updatedAt,
    fullSyncGeneration: target.generation,
    syncedAt: target.syncedAt,
  };
}

export function timeSpan(time: EventTime): { start: Date; end: Date } {
  if (time.kind === 'timed') return { start: time.start, end: time.end };
  return { start: new Date(`${time.startDate}T00:00:00Z`), end: new Date(`${time.endDate}T00:00:00Z`) };
}

/** When the last occurrence ends; null for an endless series (so range queries keep it). */
function seriesEnd(time: EventTime, recurrence: string[], span: { start: Date; end: Date }): Date | null {
  const start = time.kind === 'timed' ? ({ kind: 'timed', start: time.start, timeZone: time.timeZone } as const) : ({ kind: 'allDay', startDate: time.startDate } as const);
  try {
    const last = lastOccurrenceStart({ recurrence, start });
    return last ? new Date(last.getTime() + (span.end.getTime() - span.start.getTime())) : null;
  } catch {
    // An RRULE we cannot read: treat the series as endless rather than hide it.
    return null;
  }
}
