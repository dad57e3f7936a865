import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  meetingAttendees,
  meetingOccurrenceAnswers,
  meetingOccurrences,
  type AttendeeResponseValue,
} from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import { getMeeting, type MeetingView } from '@/server/meetings/queries';
import { expandOccurrences } from '@/server/recurrence/occurrences';
import { occurrenceNow } from '@/server/recurrence/scoped-changes';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';

/** What the calendar draws: a meeting, or one occurrence of a recurring one with its exception applied. */
export interface CalendarMeeting extends MeetingView {
  /** Unique in the feed: the meeting id, and for an occurrence its original start. */
  feedKey: string;
  /** Null for a meeting that does not repeat. */
  occurrence: { originalStartsAt: Date; isException: boolean } | null;
}

/**
 * Each meeting as drawn in the range: a single meeting as it is, a recurring one as its
 * occurrences in the range (a moved one at its new time, a cancelled one as cancelled), each with
 * the caller's answer for that occurrence where they gave one. Two queries whatever the number.
 */
export async function meetingsAsDrawn(
  db: Executor,
  actor: Actor,
  meetings: MeetingView[],
  range: DateRange,
): Promise<CalendarMeeting[]> {
  const recurring = meetings.filter((meeting) => meeting.recurrence && meeting.recurrence.length > 0);
  const exceptions =
    recurring.length === 0
      ? []
      : await db
          .select()
          .from(meetingOccurrences)
          .where(
            and(
              eq(meetingOccurrences.tenantId, actor.tenantId),
              inArray(
                meetingOccurrences.meetingId,
                recurring.map((meeting) => meeting.id),
              ),
            ),
          );
  const myAnswers = await occurrenceAnswersOf(
    db,
    actor,
    exceptions.map((row) => row.id),
  );
  const drawn: CalendarMeeting[] = [];
  for (const meeting of meetings) {
    if (!meeting.recurrence || meeting.recurrence.length === 0) {
      drawn.push({ ...meeting, feedKey: meeting.id, occurrence: null });
      continue;
    }
    const own = exceptions.filter((row) => row.meetingId === meeting.id);
    const idByOriginal = new Map(own.map((row) => [row.originalStartsAt.getTime(), row.id]));
    for (const occurrence of expandOccurrences(meeting, own, range.from, range.to)) {
      const exceptionId = idByOriginal.get(occurrence.originalStartsAt.getTime());
      const answer = exceptionId ? myAnswers.get(exceptionId) : undefined;
      drawn.push({
        ...meeting,
        startsAt: occurrence.startsAt,
        endsAt: occurrence.endsAt,
        status: occurrence.status,
        title: occurrence.title,
        description: occurrence.description,
        location: occurrence.location,
        myResponse: answer ?? meeting.myResponse,
        feedKey: `${meeting.id}@${occurrence.originalStartsAt.toISOString()}`,
        occurrence: { originalStartsAt: occurrence.originalStartsAt, isException: occurrence.isException },
      });
    }
  }
  return drawn.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

async function occurrenceAnswersOf(
  db: Executor,
  actor: Actor,
  occurrenceIds: string[],
): Promise<Map<string, AttendeeResponseValue>> {
  if (occurrenceIds.length === 0) return new Map();
  const rows = await db
    .select({
      occurrenceId: meetingOccurrenceAnswers.occurrenceId,
      response: meetingOccurrenceAnswers.response,
    })
    .from(meetingOccurrenceAnswers)
    .innerJoin(meetingAttendees, eq(meetingAttendees.id, meetingOccurrenceAnswers.attendeeId))
    .where(
      and(
        eq(meetingOccurrenceAnswers.tenantId, actor.tenantId),
        eq(meetingAttendees.userId, actor.userId),
        inArray(meetingOccurrenceAnswers.occurrenceId, occurrenceIds),
      ),
    );
  return new Map(rows.map((row) => [row.occurrenceId, row.response]));
}

/**
 * One meeting as the calendar draws it, for its dialog (the grid's feed carries only what it
 * draws): the meeting, or with `originalStartsAt` that occurrence of a recurring one, its
 * exception and the caller's answer to it applied, as in the feed.
 */
export async function readDrawnMeeting(
  db: Executor,
  actor: Actor,
  id: string,
  originalStartsAt?: Date,
): Promise<CalendarMeeting> {
  const meeting = await getMeeting(db, actor, id);
  if (!originalStartsAt || !meeting.recurrence || meeting.recurrence.length === 0)
    return { ...meeting, feedKey: meeting.id, occurrence: null };
  const { startsAt: from, endsAt: to } = await occurrenceNow(db, actor, meeting, originalStartsAt);
  const range = { from, to: new Date(Math.max(to.getTime(), from.getTime() + 1)) };
  const key = `${id}@${originalStartsAt.toISOString()}`;
  const drawn = (await meetingsAsDrawn(db, actor, [meeting], range)).find((item) => item.feedKey === key);
  if (!drawn) throw new NotFoundError('Meeting not found');
  return drawn;
}
