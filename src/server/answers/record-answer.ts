import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  meetingAttendees,
  meetings,
  users,
  type AttendeeResponseValue,
  type ResponseChannel,
} from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import { notifyUsers, type NotificationOutbox } from '@/server/notifications/notify';
import { attendeeDisplayName } from '@/server/meetings/attendee-name';

/**
 * The one way an answer reaches `meeting_attendees` (DESIGN.md §4 rule 4), whatever it came
 * through: the organiser's or the attendee's own copy, Tandem, an email link, an iMIP REPLY or
 * COUNTER. The latest answer wins, the same answer again changes nothing and tells nobody.
 */

export type GivenResponse = Exclude<AttendeeResponseValue, 'needs_action'>;

export interface AnswerInput {
  tenantId: string;
  meetingId: string;
  attendeeId: string;
  /** Null keeps the stored response (a COUNTER that only proposes a time). */
  response: GivenResponse | null;
  /** When the answer was given (the provider's time where it says one, else when we saw it). */
  at: Date;
  via: ResponseChannel;
  /** With `via = 'provider'`: whose calendar it came from. */
  provider?: string | null;
  /**
   * The comment sent with this answer; `undefined` where the channel carries no comments (then a
   * stored comment stays while the response does not change).
   */
  comment?: string | null;
  /** A proposed new time; `undefined` where the channel carries none, `null` withdraws one. */
  proposed?: { start: Date; end: Date } | null;
  /** The answer is the attendee deleting their copy (convergence/attendee-copies.ts). */
  removedFromCalendar?: boolean;
}

export type AnswerOutcome =
  /** Stored, and the organiser told. */
  | 'recorded'
  /** The same answer as stored. */
  | 'unchanged'
  /** Older than the stored answer. */
  | 'stale';

/**
 * `outbox` collects the notifications to email; the caller announces them once its transaction
 * has committed (notifications/notify.ts).
 */
export async function recordAnswer(
  tx: Executor,
  input: AnswerInput,
  outbox?: NotificationOutbox,
): Promise<AnswerOutcome> {
  const [row] = await tx
    .select({
      response: meetingAttendees.response,
      respondedAt: meetingAttendees.respondedAt,
      comment: meetingAttendees.comment,
      proposedStartsAt: meetingAttendees.proposedStartsAt,
      proposedEndsAt: meetingAttendees.proposedEndsAt,
      userId: meetingAttendees.userId,
      email: meetingAttendees.email,
      name: attendeeDisplayName,
      status: meetings.status,
      organizerId: meetings.organizerId,
      title: meetings.title,
    })
    .from(meetingAttendees)
    .innerJoin(meetings, eq(meetings.id, meetingAttendees.meetingId))
    .leftJoin(users, eq(users.id, meetingAttendees.userId))
    .where(
      and(
        eq(meetingAttendees.tenantId, input.tenantId),
        eq(meetingAttendees.meetingId, input.meetingId),
        eq(meetingAttendees.id, input.attendeeId),
        eq(meetings.tenantId, input.tenantId),
      ),
    )
    .for('update', { of: meetingAttendees });
  if (!row) throw new NotFoundError('Meeting not found');
  if (row.status === 'cancelled') throw new ConflictError('This meeting was cancelled');
  if (row.respondedAt && input.at.getTime() < row.respondedAt.getTime()) return 'stale';

  const response = input.response ?? row.response;
  const responseChanged = response !== row.response;
  // A comment belongs to its answer: a new response without one clears the old comment.
  const comment =
    input.comment !== undefined
      ? (input.comment?.trim() ?? '') || null
      : responseChanged
        ? null
        : row.comment;
  const proposed =
    input.proposed !== undefined
      ? input.proposed
      : row.proposedStartsAt && row.proposedEndsAt
        ? { start: row.proposedStartsAt, end: row.proposedEndsAt }
        : null;
  const proposalChanged =
    (proposed?.start.getTime() ?? null) !== (row.proposedStartsAt?.getTime() ?? null) ||
    (proposed?.end.getTime() ?? null) !== (row.proposedEndsAt?.getTime() ?? null);
  if (!responseChanged && comment === row.comment && !proposalChanged) return 'unchanged';

  await tx
    .update(meetingAttendees)
    .set({
      response,
      respondedAt: input.at,
      respondedVia: input.via,
      respondedProvider: input.via === 'provider' ? (input.provider ?? null) : null,
      comment,
      proposedStartsAt: proposed?.start ?? null,
      proposedEndsAt: proposed?.end ?? null,
    })
    .where(and(eq(meetingAttendees.tenantId, input.tenantId), eq(meetingAttendees.id, input.attendeeId)));

  const counterProposed = proposed !== null && proposalChanged;
  const toEmail = await notifyUsers(
    tx,
    input.tenantId,
    // An organiser who is also listed as an attendee does not need telling about their own answer.
    row.userId === row.organizerId ? [] : [row.organizerId],
    counterProposed ? 'meeting_counter_proposed' : 'meeting_response',
    {
      meetingId: input.meetingId,
      title: row.title,
      attendeeId: input.attendeeId,
      attendeeUserId: row.userId,
      who: row.name ?? row.email,
      response,
      via: input.via,
      provider: input.via === 'provider' ? (input.provider ?? null) : null,
      comment,
      ...(input.removedFromCalendar ? { removedFromCalendar: true } : {}),
      ...(counterProposed
        ? { proposedStartsAt: proposed.start.toISOString(), proposedEndsAt: proposed.end.toISOString() }
        : {}),
    },
  );
  outbox?.add(input.tenantId, toEmail);
  return 'recorded';
}
