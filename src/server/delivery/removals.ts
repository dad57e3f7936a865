import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { meetingAttendees, meetingLinks, meetingRemovals, meetings, users } from '@/server/db/schema';
import {
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderNotFoundError,
  ProviderProtocolError,
} from '@/server/providers/errors';
import { describeMeeting, organizerName, when } from './invitation-email';
import { buildItipCalendar } from './itip';
import { openCalendar } from './links';
import { loadDeliveryState, type MeetingRef } from './meeting-state';
import type { DeliveryDeps } from './organizer-copy';
import { attendeeDisplayName } from '@/server/meetings/attendee-name';

/**
 * People taken off a meeting are told (DESIGN.md §4 rule 3), by whoever delivered to them: Tandem
 * sends the iMIP CANCEL to those it invited by email, and removes the copy it placed in a CalDAV
 * calendar. Those the organiser's provider invited hear it from the provider, once the organiser's
 * copy no longer lists them. Their attendee row goes at once (the meeting no longer shows them);
 * what the job needs to tell them is kept in `meeting_removals` until it has.
 */
export async function recordRemovals(
  tx: Executor,
  input: { tenantId: string; meetingId: string; attendeeIds: string[]; sequence: number },
): Promise<number> {
  if (input.attendeeIds.length === 0) return 0;
  const leaving = await tx
    .select({
      id: meetingAttendees.id,
      email: meetingAttendees.email,
      name: attendeeDisplayName,
      method: meetingAttendees.deliveryMethod,
      deliveredSequence: meetingAttendees.deliveredSequence,
    })
    .from(meetingAttendees)
    .leftJoin(users, eq(users.id, meetingAttendees.userId))
    .where(
      and(eq(meetingAttendees.tenantId, input.tenantId), inArray(meetingAttendees.id, input.attendeeIds)),
    );
  const copies = await tx
    .select({
      attendeeId: meetingLinks.attendeeId,
      calendarId: meetingLinks.calendarId,
      externalId: meetingLinks.externalId,
      etag: meetingLinks.etag,
    })
    .from(meetingLinks)
    .where(
      and(
        eq(meetingLinks.tenantId, input.tenantId),
        eq(meetingLinks.meetingId, input.meetingId),
        eq(meetingLinks.role, 'attendee'),
        inArray(meetingLinks.attendeeId, input.attendeeIds),
        isNotNull(meetingLinks.externalId),
      ),
    );
  const rows = leaving.flatMap((attendee): (typeof meetingRemovals.$inferInsert)[] => {
    const base = {
      tenantId: input.tenantId,
      meetingId: input.meetingId,
      email: attendee.email,
      name: attendee.name,
      sequence: input.sequence,
    };
    if (attendee.method === 'tandem_email' && attendee.deliveredSequence !== null)
      return [{ ...base, method: 'tandem_email' as const }];
    const copy = copies.find((candidate) => candidate.attendeeId === attendee.id);
    // Only a copy Tandem placed itself: one found in a scheduling calendar is the provider's to cancel.
    if (attendee.method === 'tandem_copy' && copy)
      return [
        {
          ...base,
          method: 'tandem_copy' as const,
          calendarId: copy.calendarId,
          externalId: copy.externalId,
          etag: copy.etag,
        },
      ];
    return [];
  });
  if (rows.length > 0) await tx.insert(meetingRemovals).values(rows);
  return rows.length;
}

/** The removals not yet told, oldest first (the job's plan). */
export async function pendingRemovals(db: Executor, ref: MeetingRef): Promise<string[]> {
  const rows = await db
    .select({ id: meetingRemovals.id })
    .from(meetingRemovals)
    .where(
      and(
        eq(meetingRemovals.tenantId, ref.tenantId),
        eq(meetingRemovals.meetingId, ref.meetingId),
        isNull(meetingRemovals.doneAt),
      ),
    )
    .orderBy(meetingRemovals.createdAt);
  return rows.map((row) => row.id);
}

export type RemovalOutcome = 'cancelled' | 'up_to_date' | 'failed';

/**
 * Tells one removed person, once: the CANCEL email, or their copy removed. Marked done after,
 * so a crash in between tells them again, never not at all. A copy already gone is done; a
 * calendar that refuses for good (access revoked, gone) is given up on, and a passing failure
 * is thrown for the step to retry.
 */
export async function tellRemovedAttendee(
  deps: DeliveryDeps,
  ref: MeetingRef & { removalId: string },
): Promise<RemovalOutcome> {
  const [removal] = await deps.db
    .select()
    .from(meetingRemovals)
    .where(and(eq(meetingRemovals.tenantId, ref.tenantId), eq(meetingRemovals.id, ref.removalId)));
  if (!removal || removal.doneAt) return 'up_to_date';
  let outcome: RemovalOutcome = 'cancelled';
  if (removal.method === 'tandem_email') {
    await sendCancel(deps, ref, removal);
  } else if (removal.calendarId && removal.externalId) {
    outcome = await removeCopy(deps, ref.tenantId, removal);
  }
  await deps.db
    .update(meetingRemovals)
    .set({ doneAt: deps.now() })
    .where(and(eq(meetingRemovals.tenantId, ref.tenantId), eq(meetingRemovals.id, removal.id)));
  return outcome;
}

type Removal = typeof meetingRemovals.$inferSelect;

async function sendCancel(deps: DeliveryDeps, ref: MeetingRef, removal: Removal): Promise<void> {
  const state = await loadDeliveryState(deps.db, ref);
  const meeting = { ...state.meeting, sequence: Math.max(state.meeting.sequence, removal.sequence) };
  const content = buildItipCalendar({
    method: 'CANCEL',
    meeting,
    organizer: { email: deps.mailer.imipAddress, name: state.organizer.name },
    attendees: [{ email: removal.email, name: removal.name, response: 'needs_action', isOptional: false }],
    now: deps.now(),
  });
  await deps.mailer.send({
    to: [{ email: removal.email, name: removal.name }],
    from: { email: deps.mailer.from.email, name: `${organizerName(state)} via Tandem` },
    subject: `Cancelled for you: ${meeting.title} (${when(state)})`,
    text: [
      `${organizerName(state)} took you off this meeting: you no longer need to come.`,
      '',
      ...describeMeeting(state),
    ].join('\n'),
    calendar: { method: 'CANCEL', content },
  });
}

async function removeCopy(deps: DeliveryDeps, tenantId: string, removal: Removal): Promise<RemovalOutcome> {
  const calendarId = removal.calendarId ?? '';
  const externalId = removal.externalId ?? '';
  try {
    const [meeting] = await deps.db
      .select({ organizerId: meetings.organizerId })
      .from(meetings)
      .where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, removal.meetingId)));
    const { provider, externalCalendarId } = await openCalendar(deps, tenantId, calendarId, {
      meetingId: removal.meetingId,
      actorUserId: meeting?.organizerId ?? null,
    });
    try {
      await provider.cancelEvent(externalCalendarId, externalId, { etag: removal.etag });
    } catch (error) {
      if (!(error instanceof ProviderConflictError)) throw error;
      // They answered in their calendar meanwhile: remove the copy as it is now.
      const current = await provider.getEvent(externalCalendarId, externalId);
      await provider.cancelEvent(externalCalendarId, externalId, { etag: current.etag });
    }
    return 'cancelled';
  } catch (error) {
    if (error instanceof ProviderNotFoundError) return 'up_to_date';
    if (
      error instanceof ProviderAuthRevokedError ||
      error instanceof ProviderBadRequestError ||
      error instanceof ProviderProtocolError
    )
      return 'failed';
    throw error;
  }
}
