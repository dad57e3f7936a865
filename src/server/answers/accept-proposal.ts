import { and, eq } from 'drizzle-orm';
import { meetingAttendees, meetings } from '@/server/db/schema';
import { ConflictError, ForbiddenError, NotFoundError } from '@/server/errors';
import { MEETING_CHANGED_MEANWHILE } from '@/server/meetings/inputs';
import { getMeeting, type MeetingView } from '@/server/meetings/queries';
import { updateMeeting, type ScheduleDeps } from '@/server/meetings/schedule';
import type { Actor } from '@/server/tenants/actor';

export interface AcceptProposalInput {
  /** The meeting. */
  id: string;
  /** The meeting_attendees row whose proposal is accepted. */
  attendeeId: string;
  /** The meeting version the organiser saw the proposal on. */
  version: number;
}

/**
 * The organiser takes an attendee's proposed time: the meeting moves through `updateMeeting`, so
 * everything that follows a move (answers reset, SEQUENCE, copies and invitations) follows this
 * too; the proposal, now the meeting's time, is cleared.
 */
export async function acceptProposedTime(
  deps: ScheduleDeps,
  actor: Actor,
  input: AcceptProposalInput,
): Promise<MeetingView> {
  const { db } = deps;
  const [row] = await db
    .select({
      organizerId: meetings.organizerId,
      version: meetings.version,
      status: meetings.status,
      proposedStartsAt: meetingAttendees.proposedStartsAt,
      proposedEndsAt: meetingAttendees.proposedEndsAt,
      attendeeRowId: meetingAttendees.id,
      attendeeUserId: meetingAttendees.userId,
    })
    .from(meetings)
    .leftJoin(
      meetingAttendees,
      and(
        eq(meetingAttendees.meetingId, meetings.id),
        eq(meetingAttendees.tenantId, actor.tenantId),
        eq(meetingAttendees.id, input.attendeeId),
      ),
    )
    .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, input.id)));
  if (!row) throw new NotFoundError('Meeting not found');
  if (row.organizerId !== actor.userId) {
    // An invitee knows the meeting exists; anyone else must not learn it.
    if (row.attendeeUserId !== actor.userId) throw new NotFoundError('Meeting not found');
    throw new ForbiddenError('Only the organiser can change this meeting');
  }
  if (!row.attendeeRowId) throw new NotFoundError('That person is not invited to this meeting');
  if (row.status === 'cancelled')
    throw new ConflictError('This meeting was cancelled and can no longer change');
  if (row.version !== input.version) throw new ConflictError(MEETING_CHANGED_MEANWHILE);
  if (!row.proposedStartsAt || !row.proposedEndsAt) {
    throw new ConflictError('That person has no proposed time to accept (it may have been withdrawn)');
  }
  const startsAt = row.proposedStartsAt;
  const endsAt = row.proposedEndsAt;
  await updateMeeting(deps, actor, { id: input.id, version: input.version, startsAt, endsAt });
  await db
    .update(meetingAttendees)
    .set({ proposedStartsAt: null, proposedEndsAt: null })
    .where(
      and(
        eq(meetingAttendees.tenantId, actor.tenantId),
        eq(meetingAttendees.meetingId, input.id),
        eq(meetingAttendees.proposedStartsAt, startsAt),
        eq(meetingAttendees.proposedEndsAt, endsAt),
      ),
    );
  return getMeeting(db, actor, input.id);
}
