import type { AppDeps } from '@/server/app-deps/types';
import type { DeliveryMethod } from '@/server/db/schema';
import { announceNotifications, notifyUsers } from '@/server/notifications/notify';
import {
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderError,
  ProviderNotFoundError,
  ProviderProtocolError,
} from '@/server/providers/errors';
import { markConnectionNeedsReauth } from '@/server/sync/connection-health';
import { setAttendeeDelivery } from './attendee-states';
import type { CalendarTarget } from './decide';
import { recordLinkProblem, type MeetingLink } from './links';
import type { DeliveryState } from './meeting-state';
import { deliveryWords } from './words';

export type WriteOutcome = 'written' | 'up_to_date' | 'failed';

/**
 * A write to a calendar failed (DESIGN.md §4 rule 6). Revoked access marks the connection
 * `needs_reauth` (its owner and the admins are told), the attendees it was to reach are marked
 * "could not deliver: reconnect your calendar", the organiser is told which, and the meeting stays.
 * A refused write (bad request, calendar gone) is final the same way. Anything retryable leaves
 * them "waiting for … (retrying)" and is thrown again, for the job step to retry.
 */
export async function handleWriteFailure(
  deps: Pick<AppDeps, 'db' | 'now' | 'jobs'>,
  context: {
    state: DeliveryState;
    target: CalendarTarget;
    link: MeetingLink;
    method: DeliveryMethod;
    attendeeIds: string[];
  },
  error: unknown,
): Promise<WriteOutcome> {
  const { db } = deps;
  const { state, target, link, method, attendeeIds } = context;
  const at = deps.now();
  const tenantId = state.meeting.tenantId;
  const revoked = error instanceof ProviderAuthRevokedError;
  const final =
    revoked ||
    error instanceof ProviderBadRequestError ||
    error instanceof ProviderProtocolError ||
    error instanceof ProviderNotFoundError;
  if (!final) {
    if (error instanceof ProviderError) {
      const detail = deliveryWords.retrying(target.provider);
      await recordLinkProblem(db, link, { state: 'pending', lastError: detail, at });
      await setAttendeeDelivery(db, tenantId, attendeeIds, { method, state: 'retrying', detail, at });
    }
    throw error;
  }
  const detail = revoked ? deliveryWords.reconnect : deliveryWords.refused(target.provider);
  if (revoked) {
    await markConnectionNeedsReauth(db, { tenantId, connectionId: target.connectionId }, at);
  }
  await recordLinkProblem(db, link, { state: 'failed', lastError: detail, at });
  await setAttendeeDelivery(db, tenantId, attendeeIds, { method, state: 'failed', detail, at });
  await tellOrganizer(deps, state, attendeeIds, {
    detail: detail.replace(/^could not deliver: /, ''),
    // The organiser's own calendar failing is worth saying even when nobody else was to be reached through it.
    calendar: link.role === 'organizer' ? 'organizer' : 'attendee',
  });
  return 'failed';
}

/**
 * The organiser's calendar needs reconnecting: nothing is written and nobody else takes over
 * (Tandem emailing everyone as organiser of record would leave two organisers once they
 * reconnect). Those their provider is to invite wait, in plain words; the organiser is told once,
 * not again on every later run while it waits, and the next change after they reconnect delivers.
 */
export async function waitForReconnect(
  deps: Pick<AppDeps, 'db' | 'now' | 'jobs'>,
  state: DeliveryState,
  link: MeetingLink,
  attendeeIds: string[],
): Promise<WriteOutcome> {
  const { db } = deps;
  const at = deps.now();
  const tenantId = state.meeting.tenantId;
  const target = state.plan.organizerCopy?.target;
  if (!target) return 'failed';
  const detail = deliveryWords.organizerMustReconnect(target.provider);
  const alreadyTold = link.state === 'pending' && link.lastError === detail;
  await recordLinkProblem(db, link, { state: 'pending', lastError: detail, at });
  await setAttendeeDelivery(db, tenantId, attendeeIds, {
    method: 'organizer_provider',
    state: 'pending',
    detail,
    at,
  });
  if (alreadyTold) return 'failed';
  await tellOrganizer(deps, state, attendeeIds, {
    detail: 'reconnect your calendar so your meeting can be sent',
    calendar: 'organizer',
  });
  return 'failed';
}

/**
 * Tells the organiser (`meeting_delivery_failed`) whom the invitation did not reach and why; the
 * rows are committed (no transaction here), so the email job may send them at once.
 */
async function tellOrganizer(
  deps: Pick<AppDeps, 'db' | 'jobs'>,
  state: DeliveryState,
  attendeeIds: string[],
  problem: { detail: string; calendar: 'organizer' | 'attendee' },
): Promise<void> {
  const tenantId = state.meeting.tenantId;
  const missed = state.attendees
    .filter((attendee) => attendeeIds.includes(attendee.attendeeId))
    .map((attendee) => ({
      attendeeId: attendee.attendeeId,
      name: attendee.name,
      email: attendee.recordedEmail,
    }));
  const notified = await notifyUsers(deps.db, tenantId, [state.organizer.userId], 'meeting_delivery_failed', {
    meetingId: state.meeting.id,
    title: state.meeting.title,
    startsAt: state.meeting.startsAt.toISOString(),
    // describe.ts reads "Could not deliver <title> to <attendeeName>: <detail>".
    attendeeName:
      missed.length > 0
        ? missed.map((attendee) => attendee.name ?? attendee.email).join(', ')
        : 'your calendar',
    detail: problem.detail,
    calendar: problem.calendar,
    attendees: missed,
  });
  await announceNotifications(deps.jobs, tenantId, notified);
}
