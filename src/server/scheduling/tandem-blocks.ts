import { and, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { anyOfIds, asPrepared } from '@/server/db/prepared';
import {
  meetingAttendees,
  meetingOccurrenceAnswers,
  meetingOccurrences,
  meetings,
  tasks,
  type AttendeeResponseValue,
  type UnansweredInvitationsCountAs,
} from '@/server/db/schema';
import { expandOccurrences } from '@/server/recurrence/occurrences';
import type { Block, BlockState } from './timeline';

/** How an invitation nobody has answered yet counts (a tenant setting). */
export type UnansweredCountsAs = UnansweredInvitationsCountAs;

export interface TandemBlock extends Block {
  userId: string;
  meetingId: string | null;
}

export interface TandemBlocks {
  blocks: TandemBlock[];
  /** Every meeting read (the ignored one too): their copies in the mirror are not counted again. */
  meetingIds: Set<string>;
  icalUids: Set<string>;
}

/**
 * What Tandem's own records say each person is doing in [from, to): meetings they organise or
 * are invited to (recurring ones expanded with their exceptions, each occurrence with its own
 * answer), and their open tasks. A declined meeting leaves the time free; an unanswered one counts
 * as the tenant says. `ignoreMeetingId`: the meeting being edited, which cannot clash with itself.
 */
export async function readTandemBlocks(
  db: Executor,
  tenantId: string,
  userIds: string[],
  from: Date,
  to: Date,
  options: {
    unansweredCountsAs: UnansweredCountsAs | PromiseLike<UnansweredCountsAs>;
    ignoreMeetingId?: string;
  },
): Promise<TandemBlocks> {
  if (userIds.length === 0) return { blocks: [], meetingIds: new Set(), icalUids: new Set() };
  const [meetingBlocks, taskBlocks] = await Promise.all([
    readMeetingBlocks(db, tenantId, userIds, from, to, options),
    readTaskBlocks(db, tenantId, userIds, from, to),
  ]);
  return { ...meetingBlocks, blocks: [...meetingBlocks.blocks, ...taskBlocks] };
}

async function readMeetingBlocks(
  db: Executor,
  tenantId: string,
  userIds: string[],
  from: Date,
  to: Date,
  options: {
    unansweredCountsAs: UnansweredCountsAs | PromiseLike<UnansweredCountsAs>;
    ignoreMeetingId?: string;
  },
): Promise<TandemBlocks> {
  const invited = db
    .select({ meetingId: meetingAttendees.meetingId })
    .from(meetingAttendees)
    .where(and(eq(meetingAttendees.tenantId, tenantId), anyOfIds(meetingAttendees.userId, userIds)));
  let rows = await asPrepared(
    db
      .select()
      .from(meetings)
      .where(
        and(
          eq(meetings.tenantId, tenantId),
          eq(meetings.status, 'scheduled'),
          lt(meetings.startsAt, to),
          or(gt(meetings.endsAt, from), isNotNull(meetings.recurrence)),
          or(anyOfIds(meetings.organizerId, userIds), inArray(meetings.id, invited)),
        ),
      ),
    'tandem_meetings',
  );
  const known = {
    meetingIds: new Set(rows.map((row) => row.id)),
    icalUids: new Set(rows.map((row) => row.icalUid)),
  };
  rows = rows.filter((row) => row.id !== options.ignoreMeetingId);
  if (rows.length === 0) return { blocks: [], ...known };
  const meetingIds = rows.map((row) => row.id);
  const recurringIds = rows.filter((row) => row.recurrence && row.recurrence.length > 0).map((row) => row.id);
  const [attendees, exceptions] = await Promise.all([
    asPrepared(
      db
        .select({
          id: meetingAttendees.id,
          meetingId: meetingAttendees.meetingId,
          userId: meetingAttendees.userId,
          response: meetingAttendees.response,
        })
        .from(meetingAttendees)
        .where(
          and(
            eq(meetingAttendees.tenantId, tenantId),
            anyOfIds(meetingAttendees.meetingId, meetingIds),
            anyOfIds(meetingAttendees.userId, userIds),
          ),
        ),
      'tandem_meeting_attendees',
    ),
    recurringIds.length === 0
      ? []
      : asPrepared(
          db
            .select()
            .from(meetingOccurrences)
            .where(
              and(
                eq(meetingOccurrences.tenantId, tenantId),
                anyOfIds(meetingOccurrences.meetingId, recurringIds),
              ),
            ),
          'tandem_meeting_exceptions',
        ),
  ]);
  const occurrenceAnswers =
    exceptions.length === 0 || attendees.length === 0
      ? []
      : await asPrepared(
          db
            .select({
              occurrenceId: meetingOccurrenceAnswers.occurrenceId,
              attendeeId: meetingOccurrenceAnswers.attendeeId,
              response: meetingOccurrenceAnswers.response,
            })
            .from(meetingOccurrenceAnswers)
            .where(
              and(
                eq(meetingOccurrenceAnswers.tenantId, tenantId),
                anyOfIds(
                  meetingOccurrenceAnswers.occurrenceId,
                  exceptions.map((row) => row.id),
                ),
                anyOfIds(
                  meetingOccurrenceAnswers.attendeeId,
                  attendees.map((row) => row.id),
                ),
              ),
            ),
          'tandem_occurrence_answers',
        );
  const answerOf = new Map(
    occurrenceAnswers.map((row) => [`${row.occurrenceId}|${row.attendeeId}`, row.response]),
  );
  // Read alongside (availability starts both at once): needed only now.
  const unansweredCountsAs = await options.unansweredCountsAs;
  const people = new Set(userIds);
  const blocks: TandemBlock[] = [];
  for (const meeting of rows) {
    const own = exceptions.filter((row) => row.meetingId === meeting.id);
    const exceptionIdByOriginal = new Map(own.map((row) => [row.originalStartsAt.getTime(), row.id]));
    const occurrences = expandOccurrences(meeting, own, from, to).filter((o) => o.status === 'scheduled');
    const involved: { userId: string; attendeeId: string | null; response: AttendeeResponseValue | null }[] =
      attendees
        .filter((row) => row.meetingId === meeting.id && row.userId !== null)
        .map((row) => ({ userId: row.userId ?? '', attendeeId: row.id, response: row.response }));
    if (people.has(meeting.organizerId) && !involved.some((row) => row.userId === meeting.organizerId))
      involved.push({ userId: meeting.organizerId, attendeeId: null, response: null });
    for (const occurrence of occurrences) {
      const exceptionId = exceptionIdByOriginal.get(occurrence.originalStartsAt.getTime());
      for (const person of involved) {
        const answer =
          (exceptionId && person.attendeeId
            ? answerOf.get(`${exceptionId}|${person.attendeeId}`)
            : undefined) ?? person.response;
        const state = meetingState(answer, unansweredCountsAs);
        if (!state) continue;
        blocks.push({
          userId: person.userId,
          meetingId: meeting.id,
          start: occurrence.startsAt.getTime(),
          end: occurrence.endsAt.getTime(),
          state,
          title: occurrence.title,
        });
      }
    }
  }
  return { blocks, ...known };
}

/** The organiser (no answer) is busy; an attendee as they answered. */
function meetingState(
  response: AttendeeResponseValue | null,
  unansweredCountsAs: UnansweredCountsAs,
): BlockState | null {
  if (response === null || response === 'accepted') return 'busy';
  if (response === 'declined') return null;
  if (response === 'tentative') return 'tentative';
  return unansweredCountsAs;
}

async function readTaskBlocks(
  db: Executor,
  tenantId: string,
  userIds: string[],
  from: Date,
  to: Date,
): Promise<TandemBlock[]> {
  const rows = await asPrepared(
    db
      .select({
        ownerId: tasks.ownerId,
        title: tasks.title,
        dueAt: tasks.dueAt,
        durationMinutes: tasks.durationMinutes,
      })
      .from(tasks)
      .where(
        and(
          eq(tasks.tenantId, tenantId),
          anyOfIds(tasks.ownerId, userIds),
          // A finished task no longer takes the time it was planned in.
          isNull(tasks.doneAt),
          lt(tasks.dueAt, to),
          gt(
            sql`${tasks.dueAt} + make_interval(mins => ${tasks.durationMinutes})`,
            sql.param(from, tasks.dueAt),
          ),
        ),
      ),
    'tandem_tasks',
  );
  return rows.map((row) => ({
    userId: row.ownerId,
    meetingId: null,
    start: row.dueAt.getTime(),
    end: row.dueAt.getTime() + row.durationMinutes * 60_000,
    state: 'busy' as const,
    title: row.title,
  }));
}
