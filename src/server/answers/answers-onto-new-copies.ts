import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { meetingAttendees } from '@/server/db/schema';
import type { JobDispatcher } from '@/server/jobs/events';

/**
 * An answer given in Tandem (or by an email link) before the attendee's own copy reached Tandem —
 * their provider invited them, and their calendar had not synced yet — went to the organiser by
 * an iMIP REPLY, or nowhere; their own copy still asks them. Once the copy is linked, the answer
 * is written onto it (DESIGN.md §4 rule 4): the write-answer job runs again for it.
 */
export async function writeAnswersOntoNewCopies(
  deps: { db: Executor; jobs?: JobDispatcher },
  tenantId: string,
  linked: { meetingId: string; attendeeId: string }[],
): Promise<number> {
  if (!deps.jobs || linked.length === 0) return 0;
  const answered = await deps.db
    .update(meetingAttendees)
    // Not written to this copy yet: the job's replay guard must let it through.
    .set({ answerWrittenFor: null })
    .where(
      and(
        eq(meetingAttendees.tenantId, tenantId),
        inArray(
          meetingAttendees.id,
          linked.map((link) => link.attendeeId),
        ),
        inArray(meetingAttendees.respondedVia, ['in_app', 'email_link']),
        ne(meetingAttendees.response, 'needs_action'),
      ),
    )
    .returning({ id: meetingAttendees.id, meetingId: meetingAttendees.meetingId });
  for (const attendee of answered)
    await deps.jobs.send({
      name: 'tandem/meeting.answered',
      data: { tenantId, meetingId: attendee.meetingId, attendeeId: attendee.id },
    });
  return answered.length;
}
