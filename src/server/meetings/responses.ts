import { and, eq } from 'drizzle-orm';
import { recordAnswer } from '@/server/answers/record-answer';
import type { Database } from '@/server/db/client';
import { meetingAttendees, meetings } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import type { JobDispatcher } from '@/server/jobs/events';
import { NotificationOutbox } from '@/server/notifications/notify';
import type { Actor } from '@/server/tenants/actor';
import type { RespondInput } from './inputs';
import { getMeeting, type MeetingView } from './queries';

/**
 * An invitee answers in Tandem: recorded (the organiser is told), then written to the attendee's
 * own copy or sent to the organiser's calendar by the `tandem/meeting.answered` job. Without a
 * dispatcher (the demo seed) the answer is only recorded.
 */
export async function respondToMeeting(
  db: Database,
  actor: Actor,
  input: RespondInput,
  now: Date,
  jobs?: JobDispatcher,
): Promise<MeetingView> {
  const outbox = new NotificationOutbox();
  const answered = await db.transaction(async (tx) => {
    const [attendee] = await tx
      .select({ id: meetingAttendees.id })
      .from(meetingAttendees)
      .innerJoin(meetings, eq(meetings.id, meetingAttendees.meetingId))
      .where(
        and(
          eq(meetings.tenantId, actor.tenantId),
          eq(meetings.id, input.id),
          eq(meetingAttendees.tenantId, actor.tenantId),
          eq(meetingAttendees.userId, actor.userId),
        ),
      );
    if (!attendee) throw new NotFoundError('Meeting not found');
    const outcome = await recordAnswer(
      tx,
      {
        tenantId: actor.tenantId,
        meetingId: input.id,
        attendeeId: attendee.id,
        response: input.response,
        at: now,
        via: 'in_app',
        comment: input.comment ?? null,
      },
      outbox,
    );
    return outcome === 'recorded' ? attendee.id : null;
  });
  if (jobs) await outbox.announce(jobs);
  if (answered && jobs) {
    await jobs.send({
      name: 'tandem/meeting.answered',
      data: { tenantId: actor.tenantId, meetingId: input.id, attendeeId: answered },
    });
  }
  return getMeeting(db, actor, input.id);
}
