import { and, eq, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Transaction } from '@/server/db/client';
import { meetingAttendees, meetings } from '@/server/db/schema';
import { recordRemovals } from '@/server/delivery/removals';
import { ConflictError, InvalidInputError } from '@/server/errors';
import { NotificationOutbox, notifyUsers } from '@/server/notifications/notify';
import type { Actor } from '@/server/tenants/actor';
import {
  MEETING_CHANGED_MEANWHILE,
  MEETING_TOO_LONG,
  withinMaxLength,
  type CreateMeetingInput,
  type OccurrenceScopeInput,
  type UpdateMeetingInput,
} from './inputs';
import {
  assertCanOrganize,
  attendeeUserIdsOf,
  calendarAddresses,
  lockOwnMeeting,
  requestDelivery,
  resolveInvitees,
} from './meeting-access';
import { getMeeting, type MeetingView } from './queries';
import { realignExceptions } from '@/server/recurrence/exceptions';
import { followingTheStart } from '@/server/recurrence/rule-lines';
import { recurrenceLines } from '@/server/recurrence/rule-input';
import {
  cancelFollowing,
  cancelOneOccurrence,
  effectiveScope,
  seriesTimes,
  updateFollowing,
  updateOneOccurrence,
} from '@/server/recurrence/scoped-changes';
import { separateGuests } from './guests';

import type { ScheduleDeps } from './schedule-deps';

export type { ScheduleDeps };

/**
 * Tutors (and admins) send meetings and reviews to members of their own tenant and, by email, to
 * outside guests. Each attendee is recorded under their calendar address (delivery/decide.ts);
 * once the transaction is committed the `deliver-meeting` job takes it to every calendar.
 */
export async function createMeeting(
  deps: ScheduleDeps,
  actor: Actor,
  input: CreateMeetingInput,
): Promise<MeetingView> {
  assertCanOrganize(actor);
  const outbox = new NotificationOutbox();
  const { meetingId, version } = await deps.db.transaction(async (tx) => {
    const { members, outsiders } = await separateGuests(tx, actor, input.guests);
    const invitees = await resolveInvitees(tx, actor, [...input.attendeeUserIds, ...members]);
    const { attendeeUserIds: _ids, guests: _guests, recurrence: repeats, ...details } = input;
    const recurrence = repeats ? recurrenceLines(repeats, input.startsAt, input.timeZone) : null;
    const [meeting] = await tx
      .insert(meetings)
      .values({
        ...details,
        recurrence,
        tenantId: actor.tenantId,
        organizerId: actor.userId,
        updatedBy: actor.userId,
        icalUid: `${crypto.randomUUID()}@tandem`,
      })
      .returning({
        id: meetings.id,
        title: meetings.title,
        startsAt: meetings.startsAt,
        version: meetings.version,
      });
    if (!meeting) throw new Error('insert returned no row');
    const addresses = await calendarAddresses(tx, actor, invitees);
    const memberAddresses = new Set(addresses.map((invitee) => invitee.email));
    await tx.insert(meetingAttendees).values([
      ...addresses.map((invitee) => ({
        tenantId: actor.tenantId,
        meetingId: meeting.id,
        userId: invitee.id,
        email: invitee.email,
      })),
      ...outsiders
        .filter((guest) => !memberAddresses.has(guest.email))
        .map((guest) => ({
          tenantId: actor.tenantId,
          meetingId: meeting.id,
          userId: null,
          email: guest.email,
          name: guest.name,
        })),
    ]);
    const notified = await notifyUsers(
      tx,
      actor.tenantId,
      invitees.map((invitee) => invitee.id),
      'meeting_invited',
      {
        meetingId: meeting.id,
        title: meeting.title,
        startsAt: meeting.startsAt.toISOString(),
      },
    );
    outbox.add(actor.tenantId, notified);
    return { meetingId: meeting.id, version: meeting.version };
  });
  await requestDelivery(deps, actor, meetingId, version);
  await outbox.announce(deps.jobs);
  return getMeeting(deps.db, actor, meetingId);
}

/**
 * Moves or edits a meeting, from the version the organiser last saw: if someone changed it since,
 * the edit is refused (ConflictError) rather than silently overwriting theirs. A change of time resets everyone's answer to "no response" (they
 * agreed to the old time, not the new one); any significant change bumps SEQUENCE.
 */
export async function updateMeeting(
  deps: ScheduleDeps,
  actor: Actor,
  input: UpdateMeetingInput,
): Promise<MeetingView> {
  const scope = await effectiveScope(deps.db, actor, input.id, input.occurrence);
  if (scope === 'occurrence') return updateOneOccurrence(deps, actor, input);
  if (scope === 'following') return updateFollowing(deps, actor, input);
  const now = deps.now();
  const outbox = new NotificationOutbox();
  const version = await deps.db.transaction(async (tx) => {
    const current = await lockOwnMeeting(tx, actor, input.id);
    if (current.status === 'cancelled')
      throw new ConflictError('This meeting was cancelled and can no longer change');
    if (current.version !== input.version) throw new ConflictError(MEETING_CHANGED_MEANWHILE);
    const { startsAt, endsAt } = await seriesTimes(tx, actor, current, input);
    if (endsAt <= startsAt) throw new InvalidInputError('The meeting must end after it starts');
    // The schema checks the length only when both ends are given; one end may move alone.
    if (!withinMaxLength({ startsAt, endsAt })) throw new InvalidInputError(MEETING_TOO_LONG);
    const timeChanged =
      startsAt.getTime() !== current.startsAt.getTime() || endsAt.getTime() !== current.endsAt.getTime();
    const timeZone = input.timeZone ?? current.timeZone;
    const recurrence =
      input.recurrence === undefined
        ? current.recurrence && followingTheStart(current.recurrence, current.startsAt, startsAt, timeZone)
        : input.recurrence && recurrenceLines(input.recurrence, startsAt, timeZone);
    const {
      id: _id,
      version: _version,
      attendeeUserIds,
      occurrence: _occurrence,
      recurrence: _recurrence,
      ...changes
    } = input;
    await tx
      .update(meetings)
      .set({
        ...changes,
        startsAt,
        endsAt,
        recurrence,
        sequence: sql`${meetings.sequence} + 1`,
        version: current.version + 1,
        updatedAt: now,
        updatedBy: actor.userId,
        changedIn: 'tandem',
      })
      .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, current.id)));
    if (current.recurrence && (timeChanged || input.recurrence !== undefined)) {
      await realignExceptions(
        tx,
        actor,
        current.id,
        current,
        { ...current, startsAt, endsAt, timeZone, recurrence },
        current.version + 1,
      );
    }
    const added = attendeeUserIds
      ? await replaceAttendees(tx, actor, current, attendeeUserIds, outbox)
      : new Set<string>();
    if (timeChanged) {
      await tx
        .update(meetingAttendees)
        .set({ response: 'needs_action', respondedAt: null, respondedVia: null })
        .where(
          and(eq(meetingAttendees.tenantId, actor.tenantId), eq(meetingAttendees.meetingId, current.id)),
        );
    }
    // Adding or removing attendees invites or cancels for those people only (issue 12): the
    // others are told only when the meeting itself changed, and a newcomer's invitation says it all.
    const detailsChanged =
      timeChanged ||
      input.recurrence !== undefined ||
      (Object.keys(changes) as (keyof typeof changes)[]).some(
        (field) => field !== 'startsAt' && field !== 'endsAt' && changes[field] !== current[field],
      );
    const attendeeIds = detailsChanged
      ? (await attendeeUserIdsOf(tx, actor, current.id)).filter((userId) => !added.has(userId))
      : [];
    const notified = await notifyUsers(tx, actor.tenantId, attendeeIds, 'meeting_updated', {
      meetingId: current.id,
      title: input.title ?? current.title,
      startsAt: startsAt.toISOString(),
      timeChanged,
    });
    outbox.add(actor.tenantId, notified);
    return current.version + 1;
  });
  await requestDelivery(deps, actor, input.id, version);
  await outbox.announce(deps.jobs);
  return getMeeting(deps.db, actor, input.id);
}

/** Cancels the meeting, or with `occurrence` part of a recurring one (recurrence/scoped-changes.ts). */
export async function cancelMeeting(
  deps: ScheduleDeps,
  actor: Actor,
  id: string,
  occurrence?: OccurrenceScopeInput,
): Promise<MeetingView> {
  const scope = await effectiveScope(deps.db, actor, id, occurrence);
  if (scope === 'occurrence' && occurrence) return cancelOneOccurrence(deps, actor, id, occurrence);
  if (scope === 'following' && occurrence) return cancelFollowing(deps, actor, id, occurrence);
  const now = deps.now();
  const outbox = new NotificationOutbox();
  const version = await deps.db.transaction(async (tx) => {
    const current = await lockOwnMeeting(tx, actor, id);
    if (current.status === 'cancelled') return null;
    await tx
      .update(meetings)
      .set({
        status: 'cancelled',
        sequence: sql`${meetings.sequence} + 1`,
        version: current.version + 1,
        updatedAt: now,
        updatedBy: actor.userId,
        changedIn: 'tandem',
      })
      .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, id)));
    const notified = await notifyUsers(
      tx,
      actor.tenantId,
      await attendeeUserIdsOf(tx, actor, id),
      'meeting_cancelled',
      {
        meetingId: id,
        title: current.title,
        startsAt: current.startsAt.toISOString(),
      },
    );
    outbox.add(actor.tenantId, notified);
    return current.version + 1;
  });
  if (version !== null) await requestDelivery(deps, actor, id, version);
  await outbox.announce(deps.jobs);
  return getMeeting(deps.db, actor, id);
}

/** `current`: the meeting as locked, before this change bumped its SEQUENCE. */
async function replaceAttendees(
  tx: Transaction,
  actor: Actor,
  current: { id: string; title: string; sequence: number },
  userIds: string[],
  outbox: NotificationOutbox,
) {
  const { id: meetingId, title } = current;
  const invitees = await calendarAddresses(tx, actor, await resolveInvitees(tx, actor, userIds));
  const keep = invitees.map((invitee) => invitee.id);
  const leaving = and(
    eq(meetingAttendees.tenantId, actor.tenantId),
    eq(meetingAttendees.meetingId, meetingId),
    // Internal attendees not in the new list leave; external (email-only) ones stay.
    isNotNull(meetingAttendees.userId),
    notInArray(meetingAttendees.userId, keep),
  );
  const leavingIds = await tx.select({ id: meetingAttendees.id }).from(meetingAttendees).where(leaving);
  // What the delivery job needs to tell them, kept before their row (and copy's link) go.
  await recordRemovals(tx, {
    tenantId: actor.tenantId,
    meetingId,
    attendeeIds: leavingIds.map((row) => row.id),
    sequence: current.sequence + 1,
  });
  const removed = await tx
    .delete(meetingAttendees)
    .where(leaving)
    .returning({ userId: meetingAttendees.userId });
  // Members already invited keep their row (and the address they were invited at), even if
  // their calendar address changed since.
  const already = new Set(await attendeeUserIdsOf(tx, actor, meetingId));
  const fresh = invitees.filter((invitee) => !already.has(invitee.id));
  const added =
    fresh.length === 0
      ? []
      : await tx
          .insert(meetingAttendees)
          .values(
            fresh.map((invitee) => ({
              tenantId: actor.tenantId,
              meetingId,
              userId: invitee.id,
              email: invitee.email,
            })),
          )
          .onConflictDoNothing()
          .returning({ userId: meetingAttendees.userId });
  const removedIds = removed.flatMap((row) => (row.userId ? [row.userId] : []));
  const addedIds = added.flatMap((row) => (row.userId ? [row.userId] : []));
  outbox.add(
    actor.tenantId,
    await notifyUsers(tx, actor.tenantId, removedIds, 'meeting_cancelled', { meetingId, title }),
  );
  outbox.add(
    actor.tenantId,
    await notifyUsers(tx, actor.tenantId, addedIds, 'meeting_invited', { meetingId, title }),
  );
  return new Set(addedIds);
}
