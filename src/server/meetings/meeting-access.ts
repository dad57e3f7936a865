import { and, eq, inArray } from 'drizzle-orm';
import type { Transaction } from '@/server/db/client';
import { meetingAttendees, meetings, memberships, users } from '@/server/db/schema';
import { loadWriteTargets } from '@/server/delivery/targets';
import { ForbiddenError, InvalidInputError, NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import { canOrganize, ORGANIZER_REFUSAL } from './organizers';
import type { ScheduleDeps } from './schedule-deps';

// What changing a meeting needs wherever it is changed from: the whole series (schedule.ts) or
// part of it (recurrence/scoped-changes.ts).

/**
 * After the commit, so the job reads what was committed. A lost send is not a lost meeting: the
 * next change sends a later version, which delivers everything up to it.
 */
export async function requestDelivery(deps: ScheduleDeps, actor: Actor, meetingId: string, version: number) {
  await deps.jobs.send({
    name: 'tandem/meeting.changed',
    data: { tenantId: actor.tenantId, meetingId, version },
  });
}

/** Invitees as recorded: under their calendar address (write-target account), else their Tandem email. */
export async function calendarAddresses(
  tx: Transaction,
  actor: Actor,
  invitees: { id: string; email: string }[],
): Promise<{ id: string; email: string }[]> {
  const targets = await loadWriteTargets(
    tx,
    actor.tenantId,
    invitees.map((invitee) => invitee.id),
  );
  return invitees.map((invitee) => ({
    id: invitee.id,
    // A calendar that needs reconnecting is not where they are reached now (delivery/meeting-state.ts).
    email: (usable(targets.get(invitee.id))?.accountEmail ?? invitee.email).toLowerCase(),
  }));
}

function usable<T extends { needsReconnect?: boolean }>(target: T | undefined): T | undefined {
  return target?.needsReconnect ? undefined : target;
}

export function assertCanOrganize(actor: Actor): void {
  if (!canOrganize(actor.role)) throw new ForbiddenError(ORGANIZER_REFUSAL);
}

export async function lockOwnMeeting(tx: Transaction, actor: Actor, id: string) {
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
export async function resolveInvitees(tx: Transaction, actor: Actor, userIds: string[]) {
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

export async function attendeeUserIdsOf(tx: Transaction, actor: Actor, meetingId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: meetingAttendees.userId })
    .from(meetingAttendees)
    .where(and(eq(meetingAttendees.tenantId, actor.tenantId), eq(meetingAttendees.meetingId, meetingId)));
  return rows.flatMap((row) => (row.userId ? [row.userId] : []));
}
