import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { meetingAttendees, type MirrorAttendee } from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import type { JobDispatcher } from '@/server/jobs/events';
import { NotificationOutbox } from '@/server/notifications/notify';
import {
  answeredAt,
  calendarOwner,
  GIVEN_RESPONSES,
  mirroredMeetingCopies,
  type MirrorAnswerScope,
} from './mirrored-copies';
import { recordOccurrenceAnswersFromMirror } from './occurrence-answers';
import { recordAnswer } from './record-answer';

export type { MirrorAnswerScope } from './mirrored-copies';

/**
 * Answers read from synced copies of Tandem meetings (DESIGN.md §4 rule 4), after a calendar
 * sync: on the organiser's calendar every attendee's status as the provider shows it; on an
 * attendee's own calendar, that attendee's own status only (nobody answers for others through
 * their calendar). Needs-action in a snapshot is no answer: providers show it before the answer
 * syncs. Removed copies are not answers (issue 12 decides what a deletion means).
 */

export async function recordAnswersFromMirror(
  deps: { db: Database; now: () => Date; jobs?: JobDispatcher },
  scope: MirrorAnswerScope,
): Promise<{ recorded: number }> {
  const { db } = deps;
  const owner = await calendarOwner(db, scope);
  if (!owner) return { recorded: 0 };
  // Answers to single occurrences of a series: occurrence-answers.ts.
  const copies = await mirroredMeetingCopies(db, scope, 'series');

  let recorded = 0;
  for (const copy of copies) {
    const organizersCopy = copy.organizerId === owner.userId;
    const invited = await db
      .select({
        id: meetingAttendees.id,
        userId: meetingAttendees.userId,
        email: sql<string>`lower(${meetingAttendees.email})`,
      })
      .from(meetingAttendees)
      .where(
        and(eq(meetingAttendees.tenantId, scope.tenantId), eq(meetingAttendees.meetingId, copy.meetingId)),
      );
    const answers: { attendeeId: string; entry: MirrorAttendee }[] = [];
    for (const entry of copy.attendees) {
      const email = entry.email.toLowerCase();
      if (organizersCopy) {
        const attendee = invited.find((row) => row.email === email);
        if (attendee) answers.push({ attendeeId: attendee.id, entry });
      } else if (email === owner.accountEmail.toLowerCase()) {
        // The account's own entry, on a copy of a meeting its owner is invited to.
        const attendee = invited.find((row) => row.userId === owner.userId);
        if (attendee) answers.push({ attendeeId: attendee.id, entry });
      }
    }
    for (const { attendeeId, entry } of answers) {
      const response = GIVEN_RESPONSES[entry.response] ?? null;
      // A copy without a proposal withdraws none: only the organiser's copy shows proposals at all.
      const proposed = entry.proposedTime
        ? { start: new Date(entry.proposedTime.start), end: new Date(entry.proposedTime.end) }
        : undefined;
      if (!response && !proposed) continue;
      const at = answeredAt(entry, copy, deps.now());
      try {
        const outbox = new NotificationOutbox();
        const outcome = await db.transaction((tx) =>
          recordAnswer(
            tx,
            {
              tenantId: scope.tenantId,
              meetingId: copy.meetingId,
              attendeeId,
              response,
              at,
              via: 'provider',
              provider: owner.provider,
              ...(entry.comment !== undefined ? { comment: entry.comment } : {}),
              ...(proposed ? { proposed } : {}),
            },
            outbox,
          ),
        );
        // Committed: the organiser's email notice may go now (the bell item is already there).
        if (deps.jobs) await outbox.announce(deps.jobs);
        if (outcome === 'recorded') recorded += 1;
      } catch (error) {
        // Cancelled or removed since the query: nothing to record, and no reason to fail the sync.
        if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
      }
    }
  }
  // Answers to single occurrences, where the provider keeps them apart.
  recorded += (await recordOccurrenceAnswersFromMirror(deps, scope)).recorded;
  return { recorded };
}
