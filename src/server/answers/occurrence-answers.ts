import { and, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/server/db/client';
import {
  meetingAttendees,
  meetingOccurrenceAnswers,
  meetingOccurrences,
  meetings,
  users,
} from '@/server/db/schema';
import type { JobDispatcher } from '@/server/jobs/events';
import { NotificationOutbox, notifyUsers } from '@/server/notifications/notify';
import {
  answeredAt,
  calendarOwner,
  GIVEN_RESPONSES,
  mirroredMeetingCopies,
  type MirrorAnswerScope,
} from './mirrored-copies';
import type { GivenResponse } from './record-answer';

/**
 * Answers to one occurrence of a series, where the provider keeps them apart (DESIGN.md §4 rule 4,
 * recurring): a Google instance's attendee status, a Graph occurrence's, a CalDAV override's
 * PARTSTAT. After a calendar sync, instances of Tandem series in the mirror — on the organiser's
 * calendar every attendee's status, on an attendee's own only theirs — are kept in
 * `meeting_occurrence_answers` where they differ from the answer to the series (an instance
 * showing the series' answer, as most do, is no answer of its own). The latest answer wins; the
 * same again tells nobody; the organiser is told of a new one.
 */
export async function recordOccurrenceAnswersFromMirror(
  deps: { db: Database; now: () => Date; jobs?: JobDispatcher },
  scope: MirrorAnswerScope,
): Promise<{ recorded: number }> {
  const { db } = deps;
  const owner = await calendarOwner(db, scope);
  if (!owner) return { recorded: 0 };
  const instances = await mirroredMeetingCopies(db, scope, 'instances');
  let recorded = 0;
  for (const instance of instances) {
    const originalStartsAt = instance.originalStartAt;
    if (!originalStartsAt) continue;
    const organizersCopy = instance.organizerId === owner.userId;
    const own = owner.accountEmail.toLowerCase();
    for (const entry of instance.attendees) {
      const email = entry.email.toLowerCase();
      if (!organizersCopy && email !== own) continue;
      const response = GIVEN_RESPONSES[entry.response];
      if (!response) continue;
      const outbox = new NotificationOutbox();
      const outcome = await db.transaction((tx) =>
        recordOne(
          tx,
          {
            tenantId: scope.tenantId,
            meetingId: instance.meetingId,
            originalStartsAt,
            match: organizersCopy ? { email } : { userId: owner.userId ?? '' },
            response,
            at: answeredAt(entry, instance, deps.now()),
            provider: owner.provider,
            comment: entry.comment ?? null,
          },
          outbox,
        ),
      );
      if (outcome !== 'recorded') continue;
      recorded += 1;
      if (deps.jobs) await outbox.announce(deps.jobs);
    }
  }
  return { recorded };
}

async function recordOne(
  tx: Transaction,
  input: {
    tenantId: string;
    meetingId: string;
    originalStartsAt: Date;
    match: { email: string } | { userId: string };
    response: GivenResponse;
    at: Date;
    provider: string;
    comment: string | null;
  },
  outbox: NotificationOutbox,
): Promise<'recorded' | 'unchanged'> {
  const [row] = await tx
    .select({ attendee: meetingAttendees, meeting: meetings, name: users.name })
    .from(meetingAttendees)
    .innerJoin(meetings, eq(meetings.id, meetingAttendees.meetingId))
    .leftJoin(users, eq(users.id, meetingAttendees.userId))
    .where(
      and(
        eq(meetingAttendees.tenantId, input.tenantId),
        eq(meetingAttendees.meetingId, input.meetingId),
        'email' in input.match
          ? eq(sql`lower(${meetingAttendees.email})`, input.match.email)
          : eq(meetingAttendees.userId, input.match.userId),
      ),
    )
    .limit(1);
  if (!row) return 'unchanged';
  const { attendee, meeting } = row;
  const [occurrence] = await tx
    .select()
    .from(meetingOccurrences)
    .where(
      and(
        eq(meetingOccurrences.tenantId, input.tenantId),
        eq(meetingOccurrences.meetingId, input.meetingId),
        eq(meetingOccurrences.originalStartsAt, input.originalStartsAt),
      ),
    );
  const [existing] = occurrence
    ? await tx
        .select()
        .from(meetingOccurrenceAnswers)
        .where(
          and(
            eq(meetingOccurrenceAnswers.tenantId, input.tenantId),
            eq(meetingOccurrenceAnswers.occurrenceId, occurrence.id),
            eq(meetingOccurrenceAnswers.attendeeId, attendee.id),
          ),
        )
    : [];
  // Only an answer of its own: the same as the series', with none recorded before, is no news.
  const current = existing?.response ?? attendee.response;
  if (current === input.response) return 'unchanged';
  if (existing && existing.respondedAt >= input.at) return 'unchanged';
  // An instance still showing an answer from before the latest answer to the whole series.
  if (!existing && attendee.respondedAt && attendee.respondedAt >= input.at) return 'unchanged';
  const occurrenceId =
    occurrence?.id ?? (await occurrenceFollowingSeries(tx, meeting, input.originalStartsAt, input.provider));
  const values = {
    response: input.response,
    respondedAt: input.at,
    respondedVia: 'provider' as const,
    respondedProvider: input.provider,
    comment: input.comment,
  };
  await tx
    .insert(meetingOccurrenceAnswers)
    .values({ tenantId: input.tenantId, occurrenceId, attendeeId: attendee.id, ...values })
    .onConflictDoUpdate({
      target: [meetingOccurrenceAnswers.occurrenceId, meetingOccurrenceAnswers.attendeeId],
      set: values,
    });
  if (attendee.userId !== meeting.organizerId) {
    outbox.add(
      input.tenantId,
      await notifyUsers(tx, input.tenantId, [meeting.organizerId], 'meeting_response', {
        meetingId: meeting.id,
        title: meeting.title,
        attendeeId: attendee.id,
        attendeeUserId: attendee.userId,
        who: row.name ?? attendee.email,
        response: input.response,
        via: 'provider',
        provider: input.provider,
        comment: input.comment,
        // One occurrence (describe.ts `scope`), named and linked by its start.
        scope: 'occurrence',
        startsAt: input.originalStartsAt.toISOString(),
      }),
    );
  }
  return 'recorded';
}

/**
 * An occurrence row that only holds answers: as the series has it, so nothing is delivered for it
 * (occurrence-writes.ts skips a row like the series that Tandem did not change).
 */
async function occurrenceFollowingSeries(
  tx: Transaction,
  meeting: typeof meetings.$inferSelect,
  originalStartsAt: Date,
  provider: string,
): Promise<string> {
  const length = meeting.endsAt.getTime() - meeting.startsAt.getTime();
  await tx
    .insert(meetingOccurrences)
    .values({
      tenantId: meeting.tenantId,
      meetingId: meeting.id,
      originalStartsAt,
      startsAt: originalStartsAt,
      endsAt: new Date(originalStartsAt.getTime() + length),
      sequence: meeting.sequence,
      version: 0,
      changedIn: provider,
      updatedBy: meeting.organizerId,
    })
    .onConflictDoNothing();
  const [row] = await tx
    .select({ id: meetingOccurrences.id })
    .from(meetingOccurrences)
    .where(
      and(
        eq(meetingOccurrences.tenantId, meeting.tenantId),
        eq(meetingOccurrences.meetingId, meeting.id),
        eq(meetingOccurrences.originalStartsAt, originalStartsAt),
      ),
    );
  if (!row) throw new Error('occurrence vanished after insert');
  return row.id;
}
