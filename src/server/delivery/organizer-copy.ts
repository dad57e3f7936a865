import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { pickLaterChange } from '@/server/convergence/later-change';
import { meetings } from '@/server/db/schema';
import { NotificationOutbox, notifyUsers } from '@/server/notifications/notify';
import { ProviderConflictError, ProviderNotFoundError } from '@/server/providers/errors';
import type { CalendarProvider, ProviderEvent } from '@/server/providers/types';
import { setAttendeeDelivery } from './attendee-states';
import { meetingEventWrite } from './event-write';
import { handleWriteFailure, waitForReconnect, type WriteOutcome } from './failures';
import { ensureLink, openCalendar, recordLinkWritten, type MeetingLink } from './links';
import { loadDeliveryState, type DeliveryState, type MeetingRef } from './meeting-state';
import { cancelOrphanedInstances } from './orphaned-instances';
import { deliveryWords } from './words';

export type DeliveryDeps = Pick<
  AppDeps,
  'db' | 'providers' | 'now' | 'mailer' | 'answerLinkKey' | 'appUrl' | 'jobs'
>;

/**
 * Writes the organiser's copy (DESIGN.md §4 rules 3 and 5): created once (the meeting id is the
 * idempotency key, so a replayed step finds the first event), then updated with If-Match on the
 * stored etag, cancelled when the meeting is. A 412 means someone changed the copy since we last
 * saw it: the later change wins (updateCopy). The provider invites the
 * attendees listed where it schedules; those attendees are marked as reached through it.
 */
export async function deliverOrganizerCopy(deps: DeliveryDeps, ref: MeetingRef): Promise<WriteOutcome> {
  const state = await loadDeliveryState(deps.db, ref);
  const { meeting, plan } = state;
  const copy = plan.organizerCopy;
  if (!copy) return 'up_to_date';
  const link = await ensureLink(deps.db, {
    tenantId: ref.tenantId,
    meetingId: meeting.id,
    calendarId: copy.target.calendarId,
    role: 'organizer',
    attendeeId: null,
  });
  const invited = plan.attendees.filter((attendee) => attendee.method === 'organizer_provider');
  const upToDate = link.state === 'written' && (link.writtenVersion ?? 0) >= meeting.version;
  if (!upToDate && copy.target.needsReconnect) {
    return waitForReconnect(
      deps,
      state,
      link,
      invited.map((attendee) => attendee.attendeeId),
    );
  }
  if (!upToDate) {
    try {
      const { provider, externalCalendarId } = await openCalendar(
        deps,
        ref.tenantId,
        copy.target.calendarId,
        {
          meetingId: meeting.id,
          actorUserId: state.organizer.userId,
        },
      );
      const write = meetingEventWrite(state, { notifyAttendees: copy.notifyAttendees });
      const written =
        meeting.status === 'cancelled'
          ? await cancelCopy(provider, externalCalendarId, link)
          : link.externalId
            ? await updateCopy(
                deps,
                state,
                { provider, externalCalendarId, externalId: link.externalId },
                link.etag,
                write,
              )
            : await provider.createEvent(externalCalendarId, write, { idempotencyKey: meeting.id });
      if (written === 'later_there') {
        // The organiser's own change in their calendar is later: a sync brings it in and it wins
        // (convergence/organizer-changes.ts); writing ours now would undo it.
        await deps.jobs.send({
          name: 'tandem/calendar.sync-requested',
          data: { tenantId: ref.tenantId, calendarId: copy.target.calendarId, reason: 'conflict' },
        });
        return 'up_to_date';
      }
      if (written && link.externalId)
        await cancelOrphanedInstances(deps.db, meeting, {
          calendarId: copy.target.calendarId,
          provider,
          externalCalendarId,
          seriesExternalId: link.externalId,
        });
      const icalUid = written?.iCalUid ?? link.icalUid ?? meeting.icalUid;
      if (icalUid !== meeting.icalUid) {
        // Graph assigns its own UID: every later copy and email must carry the one attendees got.
        await deps.db
          .update(meetings)
          .set({ icalUid })
          .where(and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, meeting.id)));
      }
      await recordLinkWritten(deps.db, link, {
        externalId: written?.externalId ?? link.externalId,
        etag: written?.etag ?? link.etag,
        icalUid,
        version: meeting.version,
        // Above the meeting's when a 412 showed the organiser's app had raised it (updateCopy).
        sequence: Math.max(meeting.sequence, written?.sequence ?? 0),
        at: deps.now(),
      });
    } catch (error) {
      return handleWriteFailure(
        deps,
        {
          state,
          target: copy.target,
          link,
          method: 'organizer_provider',
          attendeeIds: invited.map((attendee) => attendee.attendeeId),
        },
        error,
      );
    }
  }
  const at = deps.now();
  const provider = copy.target.provider;
  // Those who also get answer links are done once that email is sent (invitation-email.ts).
  await setAttendeeDelivery(
    deps.db,
    ref.tenantId,
    invited.filter((attendee) => !attendee.answerLinks).map((attendee) => attendee.attendeeId),
    {
      method: 'organizer_provider',
      state: 'delivered',
      detail:
        meeting.status === 'cancelled' ? deliveryWords.cancellationSent : deliveryWords.invitedBy(provider),
      sequence: meeting.sequence,
      at,
      keepFoundDetail: meeting.status !== 'cancelled',
    },
  );
  return upToDate ? 'up_to_date' : 'written';
}

/**
 * If-Match on what we last saw. A 412 means the copy changed there since: re-read, and the later
 * change wins (DESIGN.md §4 rule 5). Tandem's later → written over theirs, and the organiser is
 * told their change in the calendar was replaced; theirs later → `later_there`, nothing written.
 */
async function updateCopy(
  deps: DeliveryDeps,
  state: DeliveryState,
  at: { provider: CalendarProvider; externalCalendarId: string; externalId: string },
  etag: string | null,
  write: Parameters<CalendarProvider['updateEvent']>[2],
): Promise<ProviderEvent | 'later_there'> {
  const { provider, externalCalendarId, externalId } = at;
  try {
    return await provider.updateEvent(externalCalendarId, externalId, write, { etag });
  } catch (error) {
    if (!(error instanceof ProviderConflictError)) throw error;
  }
  const current = await provider.getEvent(externalCalendarId, externalId);
  const { meeting } = state;
  const later = pickLaterChange(
    { at: meeting.updatedAt, changedIn: meeting.changedIn, userId: meeting.updatedBy },
    { at: current.updatedAt ?? deps.now(), changedIn: provider.kind, userId: meeting.organizerId },
  );
  if (later === 'second') return 'later_there';
  // The organiser's app may have raised SEQUENCE with its change (and sent it to attendees):
  // ours goes above it, and the meeting keeps it for the iMIP that follows.
  const sequence = Math.max(write.sequence ?? meeting.sequence, (current.sequence ?? -1) + 1);
  if (sequence > meeting.sequence) {
    await deps.db
      .update(meetings)
      .set({ sequence })
      .where(and(eq(meetings.tenantId, meeting.tenantId), eq(meetings.id, meeting.id)));
  }
  const written = await provider.updateEvent(
    externalCalendarId,
    externalId,
    { ...write, sequence },
    { etag: current.etag },
  );
  const outbox = new NotificationOutbox();
  outbox.add(
    meeting.tenantId,
    await notifyUsers(deps.db, meeting.tenantId, [meeting.organizerId], 'meeting_change_overridden', {
      meetingId: meeting.id,
      title: meeting.title,
      startsAt: meeting.startsAt.toISOString(),
      yourChangeIn: provider.kind,
      winnerChangeIn: meeting.changedIn,
      winnerName: state.organizer.userId === meeting.updatedBy ? state.organizer.name : null,
    }),
  );
  await outbox.announce(deps.jobs);
  return written;
}

/**
 * Cancelling a copy that is already gone is done. A 412 means the organiser edited the copy in
 * their calendar meanwhile: the cancellation still wins (a cancelled meeting is not revived by an
 * edit of its copy), and nobody is told of a lost change — only the organiser cancels their
 * meetings (lockOwnMeeting), so the edit that lost is their own, overtaken by their own cancel.
 */
async function cancelCopy(provider: CalendarProvider, calendarId: string, link: MeetingLink): Promise<null> {
  if (!link.externalId) return null;
  const externalId = link.externalId;
  try {
    await provider.cancelEvent(calendarId, externalId, { etag: link.etag });
  } catch (error) {
    if (error instanceof ProviderNotFoundError) return null;
    if (!(error instanceof ProviderConflictError)) throw error;
    const current = await provider.getEvent(calendarId, externalId);
    await provider.cancelEvent(calendarId, externalId, { etag: current.etag });
  }
  return null;
}
