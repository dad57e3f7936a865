import { and, eq } from 'drizzle-orm';
import { meetingLinks } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import { loadDeliveryState, type MeetingRef } from './meeting-state';
import type { DeliveryDeps } from './organizer-copy';
import { occurrencesBehind } from './occurrence-writes';
import { pendingRemovals } from './removals';

export { deliverOrganizerCopy, type DeliveryDeps } from './organizer-copy';
export { placeAttendeeCopy } from './attendee-copy';
export { sendInvitationEmail } from './invitation-email';
export { tellRemovedAttendee } from './removals';
export { deliverOccurrence } from './occurrence-writes';

/** What one run of the job will touch: small plain data (Inngest stores step outputs). */
export interface DeliveryWork {
  version: number;
  organizerCopy: boolean;
  attendeeCopies: string[];
  emails: string[];
  /** People taken off the meeting still to be told (removals.ts). */
  removals: string[];
  /** Occurrence exceptions of a series some place has not got yet (occurrence-writes.ts). */
  occurrences: string[];
}

/**
 * The work a meeting change needs (the `deliver-meeting` job's first step): nothing when the
 * meeting is gone, or when every copy is written at this version and every attendee has this
 * SEQUENCE (a stale or replayed event). Otherwise each calendar and each email is its own step,
 * which checks again before it writes, so a replay does nothing twice.
 */
export async function planDeliveryWork(deps: DeliveryDeps, ref: MeetingRef): Promise<DeliveryWork | null> {
  let state;
  try {
    state = await loadDeliveryState(deps.db, ref);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  const { meeting, plan } = state;
  const removals = await pendingRemovals(deps.db, ref);
  const links = await deps.db
    .select({
      calendarId: meetingLinks.calendarId,
      writtenVersion: meetingLinks.writtenVersion,
      state: meetingLinks.state,
    })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.tenantId, ref.tenantId), eq(meetingLinks.meetingId, ref.meetingId)));
  const written = (calendarId: string) =>
    links.some(
      (link) =>
        link.calendarId === calendarId &&
        link.state === 'written' &&
        (link.writtenVersion ?? 0) >= meeting.version,
    );
  const organizerCopy = plan.organizerCopy !== null && !written(plan.organizerCopy.target.calendarId);
  const attendeeCopies = plan.attendees
    .filter((attendee) => attendee.copyTarget && !written(attendee.copyTarget.calendarId))
    .map((attendee) => attendee.attendeeId);
  const behind = new Set(
    state.attendees
      .filter(
        (attendee) => attendee.deliveredSequence === null || attendee.deliveredSequence < meeting.sequence,
      )
      .map((attendee) => attendee.attendeeId),
  );
  const emails = plan.attendees
    .filter(
      (attendee) => (attendee.tandemSendsItip || attendee.answerLinks) && behind.has(attendee.attendeeId),
    )
    .map((attendee) => attendee.attendeeId);
  const occurrences = await occurrencesBehind(deps.db, state);
  const base = { version: meeting.version, attendeeCopies, emails, removals, occurrences };
  if (
    !organizerCopy &&
    attendeeCopies.length === 0 &&
    emails.length === 0 &&
    removals.length === 0 &&
    occurrences.length === 0
  ) {
    // Still marks those the organiser's provider invited, should an earlier run have stopped before it.
    const invitedBehind = plan.attendees.some(
      (attendee) => attendee.method === 'organizer_provider' && behind.has(attendee.attendeeId),
    );
    if (!invitedBehind || plan.organizerCopy === null) return null;
    return { ...base, organizerCopy: true };
  }
  return { ...base, organizerCopy };
}
