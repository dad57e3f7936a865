import { and, eq, inArray, isNotNull, notInArray, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/server/db/client';
import { meetingAttendees, meetings, memberships, users } from '@/server/db/schema';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@/server/errors';
import { notifyUsers } from '@/server/notifications/notify';
import type { Actor } from '@/server/tenants/actor';
import {
  MEETING_CHANGED_MEANWHILE,
  MEETING_TOO_LONG,
  withinMaxLength,
  type CreateMeetingInput,
  type UpdateMeetingInput,
} from './inputs';
import { canOrganize, ORGANIZER_REFUSAL } from './organizers';
import { getMeeting, type MeetingView } from './queries';

/** Tutors (and admins) send meetings and reviews to members of their own tenant. */
export async function createMeeting(
  db: Database,
  actor: Actor,
  input: CreateMeetingInput,
): Promise<MeetingView> {
  assertCanOrganize(actor);
  const meetingId = await db.transaction(async (tx) => {
    const invitees = await resolveInvitees(tx, actor, input.attendeeUserIds);
    const { attendeeUserIds: _ids, ...details } = input;
    const [meeting] = await tx
      .insert(meetings)
      .values({
        ...details,
        tenantId: actor.tenantId,
        organizerId: actor.userId,
        icalUid: `${crypto.randomUUID()}@tandem`,
      })
      .returning({ id: meetings.id, title: meetings.title, startsAt: meetings.startsAt });
    if (!meeting) throw new Error('insert returned no row');
    await tx.insert(meetingAttendees).values(
      invitees.map((invitee) => ({
        tenantId: actor.tenantId,
        meetingId: meeting.id,
        userId: invitee.id,
        email: invitee.email,
      })),
    );
    await notifyUsers(
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
    return meeting.id;
  });
  return getMeeting(db, actor, meetingId);
}

/**
 * Moves or edits a meeting, from the version the organiser last saw: if someone changed it since,
 * the edit is refused (ConflictError) rather than silently overwriting theirs. A change of time resets everyone's answer to "no response" (they
 * agreed to the old time, not the new one); any significant change bumps SEQUENCE.
 */
export async function updateMeeting(
  db: Database,
  actor: Actor,
  input: UpdateMeetingInput,
  now: Date,
): Promise<MeetingView> {
  await db.transaction(async (tx) => {
    const current = await lockOwnMeeting(tx, actor, input.id);
    if (current.status === 'cancelled')
      throw new ConflictError('This meeting was cancelled and can no longer change');
    if (current.version !== input.version) throw new ConflictError(MEETING_CHANGED_MEANWHILE);
    const startsAt = input.startsAt ?? current.startsAt;
    const endsAt = input.endsAt ?? current.endsAt;
    if (endsAt <= startsAt) throw new InvalidInputError('The meeting must end after it starts');
    // The schema checks the length only when both ends are given; one end may move alone.
    if (!withinMaxLength({ startsAt, endsAt })) throw new InvalidInputError(MEETING_TOO_LONG);
    const timeChanged =
      startsAt.getTime() !== current.startsAt.getTime() || endsAt.getTime() !== current.endsAt.getTime();
    const { id: _id, version: _version, attendeeUserIds, ...changes } = input;
    await tx
      .update(meetings)
      .set({
        ...changes,
        startsAt,
        endsAt,
        sequence: sql`${meetings.sequence} + 1`,
        version: current.version + 1,
        updatedAt: now,
      })
      .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, current.id)));
    if (attendeeUserIds) await replaceAttendees(tx, actor, current.id, attendeeUserIds, current.title);
    if (timeChanged) {
      await tx
        .update(meetingAttendees)
        .set({ response: 'needs_action', respondedAt: null, respondedVia: null })
        .where(
          and(eq(meetingAttendees.tenantId, actor.tenantId), eq(meetingAttendees.meetingId, current.id)),
        );
    }
    const attendeeIds = await attendeeUserIdsOf(tx, actor, current.id);
    await notifyUsers(tx, actor.tenantId, attendeeIds, 'meeting_updated', {
      meetingId: current.id,
      title: input.title ?? current.title,
      startsAt: startsAt.toISOString(),
      timeChanged,
    });
  });
  return getMeeting(db, actor, input.id);
}

export async function cancelMeeting(db: Database, actor: Actor, id: string, now: Date): Promise<MeetingView> {
  await db.transaction(async (tx) => {
    const current = await lockOwnMeeting(tx, actor, id);
    if (current.status === 'cancelled') return;
    await tx
      .update(meetings)
      .set({
        status: 'cancelled',
        sequence: sql`${meetings.sequence} + 1`,
        version: sql`${meetings.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, id)));
    await notifyUsers(tx, actor.tenantId, await attendeeUserIdsOf(tx, actor, id), 'meeting_cancelled', {
      meetingId: id,
      title: current.title,
      startsAt: current.startsAt.toISOString(),
    });
  });
  return getMeeting(db, actor, id);
}

function assertCanOrganize(actor: Actor): void {
  if (!canOrganize(actor.role)) throw new ForbiddenError(ORGANIZER_REFUSAL);
}

async function lockOwnMeeting(tx: Transaction, actor: Actor, id: string) {
  const [meeting] = await tx
    .select()
    .from(meetings)
    .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, id)))
    .for('update');
  if (!meeting) throw new NotFoundError('Meeting not found');
  if (meeting.organizerId !== actor.userId) {
    // An invitee knows the meeting exists; anyone else must not learn it.
    const invited = (await attendeeUserIdsOf(tx, actor, id)).includes(actor.userId);
    if (!invited) throw new NotFoundError('Meeting not found');
    throw new ForbiddenError('Only the organiser can change this meeting');
  }
  return meeting;
}

/** Invitees must be members of the organiser's tenant; unknown ids are reported, not skipped. */
async function resolveInvitees(tx: Transaction, actor: Actor, userIds: string[]) {
  const wanted = [...new Set(userIds)].filter((id) => id !== actor.userId);
  if (wanted.length === 0) throw new InvalidInputError('Invite at least one person other than yourself');
  const found = await tx
    .select({ id: users.id, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, actor.tenantId), inArray(memberships.userId, wanted)));
  if (found.length !== wanted.length) {
    throw new InvalidInputError('Some invitees are not members of your organisation');
  }
  return found;
}

async function replaceAttendees(
  tx: Transaction,
  actor: Actor,
  meetingId: string,
  userIds: string[],
  title: string,
) {
  const invitees = await resolveInvitees(tx, actor, userIds);
  const keep = invitees.map((invitee) => invitee.id);
  const removed = await tx
    .delete(meetingAttendees)
    .where(
      and(
        eq(meetingAttendees.tenantId, actor.tenantId),
        eq(meetingAttendees.meetingId, meetingId),
        // Internal attendees not in the new list leave; external (email-only) ones stay.
        isNotNull(meetingAttendees.userId),
        notInArray(meetingAttendees.userId, keep),
      ),
    )
    .returning({ userId: meetingAttendees.userId });
  const added = await tx
    .insert(meetingAttendees)
    .values(
      invitees.map((invitee) => ({
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
  await notifyUsers(tx, actor.tenantId, removedIds, 'meeting_cancelled', { meetingId, title });
  await notifyUsers(tx, actor.tenantId, addedIds, 'meeting_invited', { meetingId, title });
}

async function attendeeUserIdsOf(tx: Transaction, actor: Actor, meetingId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: meetingAttendees.userId })
    .from(meetingAttendees)
    .where(and(eq(meetingAttendees.tenantId, actor.tenantId), eq(meetingAttendees.meetingId, meetingId)));
  return rows.flatMap((row) => (row.userId ? [row.userId] : []));
}
