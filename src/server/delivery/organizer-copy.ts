import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { meetings } from '@/server/db/schema';
import { ProviderConflictError, ProviderNotFoundError } from '@/server/providers/errors';
import type { CalendarProvider, ProviderEvent } from '@/server/providers/types';
import { setAttendeeDelivery } from './attendee-states';
import { meetingEventWrite } from './event-write';
import { handleWriteFailure, waitForReconnect, type WriteOutcome } from './failures';
import { ensureLink, openCalendar, recordLinkWritten, type MeetingLink } from './links';
import { loadDeliveryState, type MeetingRef } from './meeting-state';
import { deliveryWords } from './words';

export type DeliveryDeps = Pick<
  AppDeps,
  'db' | 'providers' | 'now' | 'mailer' | 'answerLinkKey' | 'appUrl' | 'jobs'
>;

/**
 * Writes the organiser's copy (DESIGN.md §4 rules 3 and 5): created once (the meeting id is the
 * idempotency key, so a replayed step finds the first event), then updated with If-Match on the
 * stored etag, cancelled when the meeting is. A 412 means someone changed the copy since we last
 * saw it: it is read again and written once more, Tandem's change winning (telling the person
 * whose change lost is the conflict handling of the next issue). The provider invites the
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
      const { provider, externalCalendarId } = await openCalendar(deps, ref.tenantId, copy.target.calendarId);
      const write = meetingEventWrite(state, { notifyAttendees: copy.notifyAttendees });
      const written =
        meeting.status === 'cancelled'
          ? await cancelCopy(provider, externalCalendarId, link)
          : link.externalId
            ? await updateCopy(provider, externalCalendarId, link.externalId, link.etag, write)
            : await provider.createEvent(externalCalendarId, write, { idempotencyKey: meeting.id });
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
        sequence: meeting.sequence,
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

async function updateCopy(
  provider: CalendarProvider,
  calendarId: string,
  externalId: string,
  etag: string | null,
  write: Parameters<CalendarProvider['updateEvent']>[2],
): Promise<ProviderEvent> {
  try {
    return await provider.updateEvent(calendarId, externalId, write, { etag });
  } catch (error) {
    if (!(error instanceof ProviderConflictError)) throw error;
    const current = await provider.getEvent(calendarId, externalId);
    return provider.updateEvent(calendarId, externalId, write, { etag: current.etag });
  }
}

/** Cancelling a copy that is already gone is done. */
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
