import { recordRemovedAttendeeCopies } from '@/server/convergence/attendee-copies';
import { ProviderConflictError, ProviderNotFoundError } from '@/server/providers/errors';
import { setAttendeeDelivery } from './attendee-states';
import { meetingEventWrite } from './event-write';
import { handleWriteFailure, type WriteOutcome } from './failures';
import { ensureLink, openCalendar, recordLinkWritten } from './links';
import { cancelOrphanedInstances } from './orphaned-instances';
import { loadDeliveryState, type MeetingRef } from './meeting-state';
import type { DeliveryDeps } from './organizer-copy';
import { deliveryWords } from './words';

/**
 * Places the meeting in an attendee's CalDAV calendar that cannot take invitations by email
 * (`tandem_copy`): same UID, the organiser named as ORGANIZER (Tandem's reply address when Tandem
 * is the organiser of record), the attendee NEEDS-ACTION. Created with If-None-Match under a name
 * from the meeting and attendee (a replay meets the first one), updated with If-Match after,
 * removed when the meeting is cancelled.
 */
export async function placeAttendeeCopy(
  deps: DeliveryDeps,
  ref: MeetingRef & { attendeeId: string },
): Promise<WriteOutcome> {
  const state = await loadDeliveryState(deps.db, ref);
  const { meeting, plan } = state;
  const delivery = plan.attendees.find((attendee) => attendee.attendeeId === ref.attendeeId);
  const target = delivery?.copyTarget;
  if (!delivery || delivery.method !== 'tandem_copy' || !target) return 'up_to_date';
  const link = await ensureLink(deps.db, {
    tenantId: ref.tenantId,
    meetingId: meeting.id,
    calendarId: target.calendarId,
    role: 'attendee',
    attendeeId: ref.attendeeId,
  });
  if (link.state === 'written' && (link.writtenVersion ?? 0) >= meeting.version) return 'up_to_date';
  const organizer =
    plan.organizerOfRecord === 'provider'
      ? { email: plan.organizerAddress, name: state.organizer.name }
      : { email: deps.mailer.imipAddress, name: state.organizer.name };
  try {
    const { provider, externalCalendarId } = await openCalendar(deps, ref.tenantId, target.calendarId, {
      meetingId: meeting.id,
      actorUserId: state.organizer.userId,
    });
    let written: { externalId: string; etag: string | null; iCalUid: string | null } | null = null;
    if (meeting.status === 'cancelled') {
      if (link.externalId) {
        const externalId = link.externalId;
        try {
          await provider
            .cancelEvent(externalCalendarId, externalId, { etag: link.etag })
            .catch(async (error) => {
              if (!(error instanceof ProviderConflictError)) throw error;
              // The attendee answered in their calendar meanwhile: the meeting is cancelled all the same.
              const current = await provider.getEvent(externalCalendarId, externalId);
              await provider.cancelEvent(externalCalendarId, externalId, { etag: current.etag });
            });
        } catch (error) {
          if (!(error instanceof ProviderNotFoundError)) throw error;
        }
      }
    } else {
      const write = meetingEventWrite(state, {
        notifyAttendees: false,
        placedCopy: { organizer, withResponses: !link.externalId },
      });
      if (!link.externalId) {
        written = await provider.createEvent(externalCalendarId, write, {
          idempotencyKey: `${meeting.id}-${ref.attendeeId}`,
        });
      } else {
        const externalId = link.externalId;
        try {
          written = await provider.updateEvent(externalCalendarId, externalId, write, {
            etag: link.etag,
          });
        } catch (error) {
          if (!(error instanceof ProviderConflictError || error instanceof ProviderNotFoundError))
            throw error;
          // The attendee answered in their calendar meanwhile: write over the fresh etag (the answer is read by sync).
          const current =
            error instanceof ProviderNotFoundError
              ? null
              : await provider.getEvent(externalCalendarId, externalId).catch((readError: unknown) => {
                  if (readError instanceof ProviderNotFoundError) return null;
                  throw readError;
                });
          if (!current) {
            // They deleted their copy before a sync saw it: that is their answer, as sync would record
            // it, and the change is not written back over their choice.
            await recordRemovedAttendeeCopies(
              deps,
              { tenantId: ref.tenantId, calendarId: target.calendarId },
              [
                {
                  linkId: link.id,
                  meetingId: meeting.id,
                  role: 'attendee',
                  attendeeId: ref.attendeeId,
                  externalId,
                  lastError: link.lastError,
                },
              ],
            );
            return 'up_to_date';
          }
          written = await provider.updateEvent(externalCalendarId, externalId, write, {
            etag: current.etag,
          });
        }
      }
    }
    if (written && link.externalId)
      await cancelOrphanedInstances(deps.db, meeting, {
        calendarId: target.calendarId,
        provider,
        externalCalendarId,
        seriesExternalId: link.externalId,
      });
    await recordLinkWritten(deps.db, link, {
      externalId: written?.externalId ?? link.externalId,
      etag: written?.etag ?? link.etag,
      icalUid: written?.iCalUid ?? meeting.icalUid,
      version: meeting.version,
      sequence: meeting.sequence,
      at: deps.now(),
    });
  } catch (error) {
    return handleWriteFailure(
      deps,
      { state, target, link, method: 'tandem_copy', attendeeIds: [ref.attendeeId] },
      error,
    );
  }
  await setAttendeeDelivery(deps.db, ref.tenantId, [ref.attendeeId], {
    method: 'tandem_copy',
    state: 'delivered',
    detail:
      meeting.status === 'cancelled'
        ? deliveryWords.cancellationSent
        : deliveryWords.inCalendar(target.provider),
    sequence: meeting.sequence,
    at: deps.now(),
  });
  return 'written';
}
