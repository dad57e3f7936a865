import { and, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { AppDeps } from '@/server/app-deps/types';
import type { Executor } from '@/server/db/client';
import { meetingAttendees, meetings, users, type AttendeeResponseValue } from '@/server/db/schema';
import { ConflictError } from '@/server/errors';
import { answerCommentSchema } from '@/server/meetings/inputs';
import { NotificationOutbox } from '@/server/notifications/notify';
import { InvalidAnswerLinkError, verifyAnswerToken } from './answer-token';
import { recordAnswer, type GivenResponse } from './record-answer';

/**
 * The Accept / Tentative / Decline links in an invitation email (issue 11): a signed token names
 * one attendee of one meeting of one tenant. Opening the link (GET) only shows the meeting and
 * the choices, since mail scanners follow links; confirming the form (POST) records the answer.
 */

export interface AnswerLinkView {
  meeting: {
    title: string;
    startsAt: Date;
    endsAt: Date;
    location: string | null;
    onlineUrl: string | null;
    organizerName: string;
    cancelled: boolean;
  };
  attendee: {
    name: string;
    response: AttendeeResponseValue;
    comment: string | null;
    /** The zone to show times in: the member's own, else the meeting's. */
    timeZone: string;
  };
}

type LinkDeps = Pick<AppDeps, 'db' | 'answerLinkKey' | 'now'>;

const organizers = alias(users, 'organizers');

async function loadLinked(db: Executor, ids: { tenantId: string; meetingId: string; attendeeId: string }) {
  const [row] = await db
    .select({
      title: meetings.title,
      startsAt: meetings.startsAt,
      endsAt: meetings.endsAt,
      location: meetings.location,
      onlineUrl: meetings.onlineUrl,
      status: meetings.status,
      meetingZone: meetings.timeZone,
      organizerName: sql<string>`coalesce(${organizers.name}, ${organizers.email})`,
      attendeeName: sql<string>`coalesce(${users.name}, ${meetingAttendees.name}, ${meetingAttendees.email})`,
      attendeeZone: users.timeZone,
      response: meetingAttendees.response,
      comment: meetingAttendees.comment,
    })
    .from(meetingAttendees)
    .innerJoin(meetings, eq(meetings.id, meetingAttendees.meetingId))
    .innerJoin(organizers, eq(organizers.id, meetings.organizerId))
    .leftJoin(users, eq(users.id, meetingAttendees.userId))
    .where(
      and(
        eq(meetingAttendees.tenantId, ids.tenantId),
        eq(meetingAttendees.id, ids.attendeeId),
        eq(meetingAttendees.meetingId, ids.meetingId),
        eq(meetings.tenantId, ids.tenantId),
      ),
    );
  // A well-signed token whose attendee is gone (removed from the meeting): the same refusal as a forgery.
  if (!row) throw new InvalidAnswerLinkError('malformed');
  return row;
}

/** What the answer page shows. Changes nothing. */
export async function showAnswerLink(deps: LinkDeps, token: string): Promise<AnswerLinkView> {
  const row = await loadLinked(deps.db, verifyAnswerToken(deps.answerLinkKey, token, deps.now()));
  return {
    meeting: {
      title: row.title,
      startsAt: row.startsAt,
      endsAt: row.endsAt,
      location: row.location,
      onlineUrl: row.onlineUrl,
      organizerName: row.organizerName,
      cancelled: row.status === 'cancelled',
    },
    attendee: {
      name: row.attendeeName,
      response: row.response,
      comment: row.comment,
      timeZone: row.attendeeZone ?? row.meetingZone,
    },
  };
}

export const answerByLinkSchema = z.strictObject({
  response: z.enum(['accepted', 'declined', 'tentative'], { message: 'Choose accept, tentative or decline' }),
  comment: answerCommentSchema.optional(),
});
export type AnswerByLinkInput = z.output<typeof answerByLinkSchema>;

/**
 * The form on the answer page was confirmed: the answer is recorded (via `email_link`) and
 * written on to the attendee's own copy or the organiser's calendar by the answered job.
 */
export async function answerByLink(
  deps: LinkDeps & Pick<AppDeps, 'jobs'>,
  token: string,
  input: AnswerByLinkInput,
): Promise<{ response: GivenResponse; changed: boolean }> {
  const now = deps.now();
  const { tenantId, meetingId, attendeeId } = verifyAnswerToken(deps.answerLinkKey, token, now);
  const ids = { tenantId, meetingId, attendeeId };
  const outbox = new NotificationOutbox();
  const outcome = await deps.db.transaction(async (tx) => {
    const row = await loadLinked(tx, ids);
    if (row.status === 'cancelled')
      throw new ConflictError('This meeting was cancelled: there is nothing to answer.');
    return recordAnswer(tx, {
      ...ids,
      response: input.response,
      at: now,
      via: 'email_link',
      comment: input.comment ?? null,
    });
  });
  await outbox.announce(deps.jobs);
  if (outcome === 'recorded') {
    await deps.jobs.send({ name: 'tandem/meeting.answered', data: ids });
  }
  return { response: input.response, changed: outcome === 'recorded' };
}

export { InvalidAnswerLinkError };
