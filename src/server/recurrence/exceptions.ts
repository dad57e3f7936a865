import { and, eq, inArray } from 'drizzle-orm';
import type { Transaction } from '@/server/db/client';
import { meetingAttendees, meetingOccurrenceAnswers, meetingOccurrences } from '@/server/db/schema';
import type { Actor } from '@/server/tenants/actor';
import { isSeriesStart, type SeriesFields } from './occurrences';
import { shiftedLike } from './rule-lines';

/**
 * After a series moved or got a new rule, its exceptions follow: each RECURRENCE-ID shifts as the
 * series' start did, an occurrence that kept the series' time keeps following it, one moved on
 * its own stays where it was put, and one the new series no longer has is dropped. Each kept
 * row takes `version`, so delivery writes it again.
 */
export async function realignExceptions(
  tx: Transaction,
  actor: Actor,
  meetingId: string,
  before: SeriesFields,
  after: SeriesFields,
  version: number,
): Promise<void> {
  const rows = await tx
    .select()
    .from(meetingOccurrences)
    .where(and(eq(meetingOccurrences.tenantId, actor.tenantId), eq(meetingOccurrences.meetingId, meetingId)));
  const beforeLength = before.endsAt.getTime() - before.startsAt.getTime();
  const afterLength = after.endsAt.getTime() - after.startsAt.getTime();
  const later = after.startsAt > before.startsAt;
  // Shift in the direction of the move, so no row lands on another's RECURRENCE-ID before it moved.
  rows.sort((a, b) => (later ? -1 : 1) * (a.originalStartsAt.getTime() - b.originalStartsAt.getTime()));
  for (const row of rows) {
    const original = shiftedLike(row.originalStartsAt, before.startsAt, after.startsAt, after.timeZone);
    if (!after.recurrence?.length || !isSeriesStart(after, original)) {
      await tx.delete(meetingOccurrences).where(eq(meetingOccurrences.id, row.id));
      continue;
    }
    const followedSeries =
      row.startsAt.getTime() === row.originalStartsAt.getTime() &&
      row.endsAt.getTime() - row.startsAt.getTime() === beforeLength;
    await tx
      .update(meetingOccurrences)
      .set({
        originalStartsAt: original,
        startsAt: followedSeries ? original : row.startsAt,
        endsAt: followedSeries ? new Date(original.getTime() + afterLength) : row.endsAt,
        version,
      })
      .where(eq(meetingOccurrences.id, row.id));
  }
}

/**
 * A moved occurrence asks everyone to answer again for it: each attendee's answer for that
 * occurrence is "no response" from now (their answer to the series is untouched).
 */
export async function resetOccurrenceAnswers(
  tx: Transaction,
  actor: Actor,
  meetingId: string,
  occurrenceId: string,
  now: Date,
): Promise<void> {
  await tx
    .delete(meetingOccurrenceAnswers)
    .where(
      and(
        eq(meetingOccurrenceAnswers.tenantId, actor.tenantId),
        eq(meetingOccurrenceAnswers.occurrenceId, occurrenceId),
      ),
    );
  const attendees = await tx
    .select({ id: meetingAttendees.id })
    .from(meetingAttendees)
    .where(and(eq(meetingAttendees.tenantId, actor.tenantId), eq(meetingAttendees.meetingId, meetingId)));
  if (attendees.length === 0) return;
  await tx.insert(meetingOccurrenceAnswers).values(
    attendees.map((attendee) => ({
      tenantId: actor.tenantId,
      occurrenceId,
      attendeeId: attendee.id,
      response: 'needs_action' as const,
      respondedAt: now,
    })),
  );
}

/** Answers given for occurrences that now belong to another meeting's attendees: they go. */
export async function dropOccurrenceAnswers(tx: Transaction, actor: Actor, occurrenceIds: string[]) {
  if (occurrenceIds.length === 0) return;
  await tx
    .delete(meetingOccurrenceAnswers)
    .where(
      and(
        eq(meetingOccurrenceAnswers.tenantId, actor.tenantId),
        inArray(meetingOccurrenceAnswers.occurrenceId, occurrenceIds),
      ),
    );
}
