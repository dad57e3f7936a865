import { and, eq } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { meetingAttendees, meetings } from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import { notifyUsers } from '@/server/notifications/notify';
import type { Actor } from '@/server/tenants/actor';
import type { RespondInput } from './inputs';
import { getMeeting, type MeetingView } from './queries';

/** An invitee answers in Tandem; the organiser is told. */
export async function respondToMeeting(
  db: Database,
  actor: Actor,
  input: RespondInput,
  now: Date,
): Promise<MeetingView> {
  await db.transaction(async (tx) => {
    const [meeting] = await tx
      .select({
        id: meetings.id,
        status: meetings.status,
        organizerId: meetings.organizerId,
        title: meetings.title,
      })
      .from(meetings)
      .innerJoin(
        meetingAttendees,
        and(eq(meetingAttendees.meetingId, meetings.id), eq(meetingAttendees.userId, actor.userId)),
      )
      .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, input.id)));
    if (!meeting) throw new NotFoundError('Meeting not found');
    if (meeting.status === 'cancelled') throw new ConflictError('This meeting was cancelled');
    await tx
      .update(meetingAttendees)
      .set({ response: input.response, respondedAt: now, respondedVia: 'in_app' })
      .where(
        and(
          eq(meetingAttendees.tenantId, actor.tenantId),
          eq(meetingAttendees.meetingId, meeting.id),
          eq(meetingAttendees.userId, actor.userId),
        ),
      );
    await notifyUsers(tx, actor.tenantId, [meeting.organizerId], 'meeting_response', {
      meetingId: meeting.id,
      title: meeting.title,
      attendeeId: actor.userId,
      response: input.response,
    });
  });
  return getMeeting(db, actor, input.id);
}
