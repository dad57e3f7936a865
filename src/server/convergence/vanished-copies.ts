import { and, eq, gt, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { externalEvents, meetingLinks, meetings, syncCursors } from '@/server/db/schema';

export interface VanishedCopy {
  linkId: string;
  meetingId: string;
  role: 'organizer' | 'attendee';
  /** The attendee whose copy it was (attendee copies only). */
  attendeeId: string | null;
  externalId: string;
  /** The link's last problem in words (attendee-copies.ts marks a copy it has seen vanish once). */
  lastError: string | null;
}

/**
 * Copies of meetings that are gone from a calendar (DESIGN.md §4 rule 5): the link names an event
 * the mirror no longer holds, or holds as cancelled. Only meetings inside the window the mirror
 * covers count — a meeting beyond it was never mirrored, which says nothing about its copy.
 * A query over links rather than the removals of one run, so a deletion seen by an incremental
 * sync, a full sync's sweep or a reconcile is found the same way, and a replay finds it again.
 */
export async function findVanishedCopies(
  db: Executor,
  ref: { tenantId: string; calendarId: string },
): Promise<VanishedCopy[]> {
  const [cursor] = await db
    .select({ start: syncCursors.windowStart, end: syncCursors.windowEnd })
    .from(syncCursors)
    .where(and(eq(syncCursors.tenantId, ref.tenantId), eq(syncCursors.calendarId, ref.calendarId)))
    .limit(1);
  if (!cursor?.start || !cursor.end) return [];
  const rows = await db
    .select({
      linkId: meetingLinks.id,
      meetingId: meetingLinks.meetingId,
      role: meetingLinks.role,
      attendeeId: meetingLinks.attendeeId,
      externalId: meetingLinks.externalId,
      lastError: meetingLinks.lastError,
    })
    .from(meetingLinks)
    .innerJoin(
      meetings,
      and(eq(meetings.tenantId, meetingLinks.tenantId), eq(meetings.id, meetingLinks.meetingId)),
    )
    .leftJoin(
      externalEvents,
      and(
        eq(externalEvents.tenantId, meetingLinks.tenantId),
        eq(externalEvents.calendarId, meetingLinks.calendarId),
        eq(externalEvents.externalId, meetingLinks.externalId),
      ),
    )
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.calendarId, ref.calendarId),
        eq(meetingLinks.state, 'written'),
        isNotNull(meetingLinks.externalId),
        eq(meetings.status, 'scheduled'),
        lt(meetings.startsAt, cursor.end),
        // A series is mirrored while any occurrence can fall in the window; a single meeting while it overlaps.
        or(isNotNull(meetings.recurrence), gt(meetings.endsAt, cursor.start)),
        or(sql`${externalEvents.id} is null`, eq(externalEvents.status, 'cancelled')),
      ),
    );
  return rows.flatMap((row) => (row.externalId ? [{ ...row, externalId: row.externalId }] : []));
}
