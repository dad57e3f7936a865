import { and, eq, gte, isNull, ne, or, sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetingAttendees,
  meetings,
  type MirrorAttendee,
} from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import type { JobDispatcher } from '@/server/jobs/events';
import { NotificationOutbox } from '@/server/notifications/notify';
import { recordOccurrenceAnswersFromMirror } from './occurrence-answers';
import { recordAnswer, type GivenResponse } from './record-answer';

/**
 * Answers read from synced copies of Tandem meetings (DESIGN.md §4 rule 4), after a calendar
 * sync: on the organiser's calendar every attendee's status as the provider shows it; on an
 * attendee's own calendar, that attendee's own status only (nobody answers for others through
 * their calendar). Needs-action in a snapshot is no answer: providers show it before the answer
 * syncs. Removed copies are not answers (issue 12 decides what a deletion means).
 */

export interface MirrorAnswerScope {
  tenantId: string;
  calendarId: string;
  /** Only rows the sync wrote at or after this instant (the run's start); all rows when omitted. */
  syncedSince?: Date;
}

const GIVEN: Record<string, GivenResponse> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentative',
};

export async function recordAnswersFromMirror(
  deps: { db: Database; now: () => Date; jobs?: JobDispatcher },
  scope: MirrorAnswerScope,
): Promise<{ recorded: number }> {
  const { db } = deps;
  const [owner] = await db
    .select({
      userId: calendarConnections.userId,
      accountEmail: calendarConnections.accountEmail,
      provider: calendarConnections.provider,
    })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(and(eq(calendars.tenantId, scope.tenantId), eq(calendars.id, scope.calendarId)));
  if (!owner) return { recorded: 0 };

  const copies = await db
    .select({
      meetingId: meetings.id,
      organizerId: meetings.organizerId,
      attendees: externalEvents.attendees,
      providerUpdatedAt: externalEvents.providerUpdatedAt,
    })
    .from(externalEvents)
    .innerJoin(
      meetings,
      and(
        eq(meetings.tenantId, externalEvents.tenantId),
        or(eq(meetings.id, externalEvents.tandemMeetingId), eq(meetings.icalUid, externalEvents.icalUid)),
      ),
    )
    .where(
      and(
        eq(externalEvents.tenantId, scope.tenantId),
        eq(externalEvents.calendarId, scope.calendarId),
        ne(externalEvents.status, 'cancelled'),
        // Answers to single occurrences of a series: occurrence-answers.ts.
        isNull(externalEvents.seriesExternalId),
        eq(meetings.status, 'scheduled'),
        scope.syncedSince ? gte(externalEvents.syncedAt, scope.syncedSince) : undefined,
      ),
    );

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
      const response = GIVEN[entry.response] ?? null;
      // A copy without a proposal withdraws none: only the organiser's copy shows proposals at all.
      const proposed = entry.proposedTime
        ? { start: new Date(entry.proposedTime.start), end: new Date(entry.proposedTime.end) }
        : undefined;
      if (!response && !proposed) continue;
      const now = deps.now();
      // When the answer was given, as near as the provider says: its answer time, else the copy's last change.
      const said = entry.respondedAt ? new Date(entry.respondedAt) : copy.providerUpdatedAt;
      const at = said && said < now ? said : now;
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
