import { and, eq, gte } from 'drizzle-orm';
import type { Executor, Transaction } from '@/server/db/client';
import { meetingAttendees, meetingOccurrences, meetings } from '@/server/db/schema';
import { keepSeriesCopiesCurrent } from '@/server/delivery/occurrence-records';
import { ConflictError, InvalidInputError, NotFoundError } from '@/server/errors';
import {
  MEETING_CHANGED_MEANWHILE,
  MEETING_TOO_LONG,
  withinMaxLength,
  type OccurrenceScope,
  type OccurrenceScopeInput,
  type UpdateMeetingInput,
} from '@/server/meetings/inputs';
import {
  attendeeUserIdsOf,
  calendarAddresses,
  lockOwnMeeting,
  requestDelivery,
  resolveInvitees,
} from '@/server/meetings/meeting-access';
import { getMeeting, type Meeting, type MeetingView } from '@/server/meetings/queries';
import type { ScheduleDeps } from '@/server/meetings/schedule-deps';
import { NotificationOutbox, notifyUsers } from '@/server/notifications/notify';
import type { Actor } from '@/server/tenants/actor';
import { dropOccurrenceAnswers, realignExceptions, resetOccurrenceAnswers } from './exceptions';
import { isSeriesStart } from './occurrences';
import { recurrenceLines } from './rule-input';
import { continuingFrom, endingBefore, followingTheStart, shiftedLike } from './rule-lines';

// Changing part of a recurring meeting (DESIGN.md §4 rule 5): one occurrence becomes an exception
// (`meeting_occurrences`), "this and following" splits the series as Google and Outlook do.
// Every change bumps the meeting's version and stamps it on what changed, which is how delivery
// (the `tandem/meeting.changed` job) finds what each copy has not had yet.

const NOT_IN_SERIES = 'That occurrence is not part of this series';
const SERIES_ONLY =
  'Invitees, kind, online link, time zone and repetition change for the whole series or this and following, not one occurrence';

/**
 * The scope a change really has: a meeting that does not repeat has only the series, and "this
 * and following" from the first occurrence is the whole series. Read before the change locks the
 * meeting; the change re-checks under the lock.
 */
export async function effectiveScope(
  db: Executor,
  actor: Actor,
  meetingId: string,
  occurrence: OccurrenceScopeInput | undefined,
): Promise<OccurrenceScope> {
  if (!occurrence || occurrence.scope === 'series') return 'series';
  const [meeting] = await db
    .select({ startsAt: meetings.startsAt, recurrence: meetings.recurrence })
    .from(meetings)
    .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, meetingId)));
  if (!meeting?.recurrence?.length) return 'series';
  if (occurrence.scope === 'following' && occurrence.originalStartsAt <= meeting.startsAt) return 'series';
  return occurrence.scope;
}

/** Where an occurrence is now: moved by its exception, or where the series puts it. */
export async function occurrenceNow(
  tx: Executor,
  actor: Actor,
  current: Pick<Meeting, 'id' | 'startsAt' | 'endsAt'>,
  originalStartsAt: Date,
): Promise<{ startsAt: Date; endsAt: Date }> {
  const [row] = await tx
    .select({ startsAt: meetingOccurrences.startsAt, endsAt: meetingOccurrences.endsAt })
    .from(meetingOccurrences)
    .where(
      and(
        eq(meetingOccurrences.tenantId, actor.tenantId),
        eq(meetingOccurrences.meetingId, current.id),
        eq(meetingOccurrences.originalStartsAt, originalStartsAt),
      ),
    );
  const length = current.endsAt.getTime() - current.startsAt.getTime();
  return row ?? { startsAt: originalStartsAt, endsAt: new Date(originalStartsAt.getTime() + length) };
}

/**
 * A change given as the new time of one occurrence (a drag, or the form opened on it) moves
 * `start` and `end` by as much wall-clock time as that occurrence's start and end moved: unchanged
 * times change nothing, a drag shifts both, a resize only the end.
 */
export function movedLikeOccurrence(
  times: { startsAt: Date; endsAt: Date },
  occurrence: { startsAt: Date; endsAt: Date },
  input: { startsAt?: Date | undefined; endsAt?: Date | undefined },
  zone: string,
): { startsAt: Date; endsAt: Date } {
  return {
    startsAt: shiftedLike(times.startsAt, occurrence.startsAt, input.startsAt ?? occurrence.startsAt, zone),
    endsAt: shiftedLike(times.endsAt, occurrence.endsAt, input.endsAt ?? occurrence.endsAt, zone),
  };
}

/** A whole-series change, given for the series or as the new time of one of its occurrences. */
export async function seriesTimes(
  tx: Transaction,
  actor: Actor,
  current: Meeting,
  input: UpdateMeetingInput,
): Promise<{ startsAt: Date; endsAt: Date }> {
  const occurrence = input.occurrence;
  if (!occurrence || !current.recurrence?.length)
    return { startsAt: input.startsAt ?? current.startsAt, endsAt: input.endsAt ?? current.endsAt };
  const now = await occurrenceNow(tx, actor, current, occurrence.originalStartsAt);
  return movedLikeOccurrence(current, now, input, current.timeZone);
}

/** Moves or edits one occurrence: an exception row, the rest of the series as it was. */
export async function updateOneOccurrence(
  deps: ScheduleDeps,
  actor: Actor,
  input: UpdateMeetingInput,
): Promise<MeetingView> {
  const originalStartsAt = requireOccurrence(input).originalStartsAt;
  const now = deps.now();
  const outbox = new NotificationOutbox();
  const version = await deps.db.transaction(async (tx) => {
    const current = await lockChangeableSeries(tx, actor, input.id);
    if (current.version !== input.version) throw new ConflictError(MEETING_CHANGED_MEANWHILE);
    await refuseSeriesOnlyChanges(tx, actor, current, input);
    const existing = await exceptionAt(tx, actor, current, originalStartsAt);
    if (existing?.status === 'cancelled')
      throw new ConflictError('This occurrence was cancelled and can no longer change');
    const length = current.endsAt.getTime() - current.startsAt.getTime();
    const previousStart = existing?.startsAt ?? originalStartsAt;
    const previousEnd = existing?.endsAt ?? new Date(originalStartsAt.getTime() + length);
    const startsAt = input.startsAt ?? previousStart;
    const endsAt = input.endsAt ?? previousEnd;
    if (endsAt <= startsAt) throw new InvalidInputError('The meeting must end after it starts');
    if (!withinMaxLength({ startsAt, endsAt })) throw new InvalidInputError(MEETING_TOO_LONG);
    const timeChanged =
      startsAt.getTime() !== previousStart.getTime() || endsAt.getTime() !== previousEnd.getTime();
    const overrides = {
      title: override(input.title, existing?.title, current.title),
      description: override(input.description, existing?.description, current.description),
      location: override(input.location, existing?.location, current.location),
    };
    const nextVersion = current.version + 1;
    const occurrenceId = await upsertException(tx, actor, current, existing, {
      originalStartsAt,
      status: 'scheduled',
      startsAt,
      endsAt,
      ...overrides,
      version: nextVersion,
      now,
    });
    await markMeetingChanged(tx, actor, current, nextVersion, now, { sequence: current.sequence });
    // Only this occurrence changed: delivery writes its instance, not the whole series again.
    await keepSeriesCopiesCurrent(tx, ref(actor, current.id), {
      previous: current.version,
      next: nextVersion,
    });
    if (timeChanged) await resetOccurrenceAnswers(tx, actor, current.id, occurrenceId, now);
    const notified = await notifyUsers(
      tx,
      actor.tenantId,
      await attendeeUserIdsOf(tx, actor, current.id),
      'meeting_updated',
      {
        meetingId: current.id,
        title: overrides.title ?? current.title,
        startsAt: startsAt.toISOString(),
        originalStartsAt: originalStartsAt.toISOString(),
        previousStartsAt: previousStart.toISOString(),
        timeChanged,
        scope: 'occurrence',
      },
    );
    outbox.add(actor.tenantId, notified);
    return nextVersion;
  });
  await requestDelivery(deps, actor, input.id, version);
  await outbox.announce(deps.jobs);
  return getMeeting(deps.db, actor, input.id);
}

/** Cancels one occurrence: an exception with status cancelled (an EXDATE / cancelled instance in providers). */
export async function cancelOneOccurrence(
  deps: ScheduleDeps,
  actor: Actor,
  id: string,
  occurrence: OccurrenceScopeInput,
): Promise<MeetingView> {
  const { originalStartsAt } = occurrence;
  const now = deps.now();
  const outbox = new NotificationOutbox();
  const version = await deps.db.transaction(async (tx) => {
    const current = await lockOwnMeeting(tx, actor, id);
    if (current.status === 'cancelled') return null;
    const existing = await exceptionAt(tx, actor, current, originalStartsAt);
    if (existing?.status === 'cancelled') return null;
    const length = current.endsAt.getTime() - current.startsAt.getTime();
    const startsAt = existing?.startsAt ?? originalStartsAt;
    const nextVersion = current.version + 1;
    await upsertException(tx, actor, current, existing, {
      originalStartsAt,
      status: 'cancelled',
      startsAt,
      endsAt: existing?.endsAt ?? new Date(originalStartsAt.getTime() + length),
      title: existing?.title ?? null,
      description: existing?.description ?? null,
      location: existing?.location ?? null,
      version: nextVersion,
      now,
    });
    await markMeetingChanged(tx, actor, current, nextVersion, now, { sequence: current.sequence });
    await keepSeriesCopiesCurrent(tx, ref(actor, id), { previous: current.version, next: nextVersion });
    const notified = await notifyUsers(
      tx,
      actor.tenantId,
      await attendeeUserIdsOf(tx, actor, id),
      'meeting_cancelled',
      {
        meetingId: id,
        title: existing?.title ?? current.title,
        startsAt: startsAt.toISOString(),
        scope: 'occurrence',
      },
    );
    outbox.add(actor.tenantId, notified);
    return nextVersion;
  });
  if (version !== null) await requestDelivery(deps, actor, id, version);
  await outbox.announce(deps.jobs);
  return getMeeting(deps.db, actor, id);
}

/** Cancels an occurrence and every later one: the series ends before it (UNTIL), its later exceptions go. */
export async function cancelFollowing(
  deps: ScheduleDeps,
  actor: Actor,
  id: string,
  occurrence: OccurrenceScopeInput,
): Promise<MeetingView> {
  const splitAt = occurrence.originalStartsAt;
  const now = deps.now();
  const outbox = new NotificationOutbox();
  const version = await deps.db.transaction(async (tx) => {
    const current = await lockOwnMeeting(tx, actor, id);
    if (current.status === 'cancelled') return null;
    if (!current.recurrence?.length || !isSeriesStart(current, splitAt))
      throw new NotFoundError(NOT_IN_SERIES);
    await tx
      .delete(meetingOccurrences)
      .where(
        and(
          eq(meetingOccurrences.tenantId, actor.tenantId),
          eq(meetingOccurrences.meetingId, id),
          gte(meetingOccurrences.originalStartsAt, splitAt),
        ),
      );
    const nextVersion = current.version + 1;
    await markMeetingChanged(tx, actor, current, nextVersion, now, {
      sequence: current.sequence + 1,
      recurrence: endingBefore(current.recurrence, splitAt),
    });
    const notified = await notifyUsers(
      tx,
      actor.tenantId,
      await attendeeUserIdsOf(tx, actor, id),
      'meeting_cancelled',
      { meetingId: id, title: current.title, startsAt: splitAt.toISOString(), scope: 'following' },
    );
    outbox.add(actor.tenantId, notified);
    return nextVersion;
  });
  if (version !== null) await requestDelivery(deps, actor, id, version);
  await outbox.announce(deps.jobs);
  return getMeeting(deps.db, actor, id);
}

/**
 * Changes an occurrence and every later one, as Google and Outlook do: the series ends before it,
 * and a new meeting (its own iCalendar UID) carries the rest, changed, with the same invitees
 * (or the new list), their answers kept unless the time moved; later exceptions move with it.
 * Returns the new meeting.
 */
export async function updateFollowing(
  deps: ScheduleDeps,
  actor: Actor,
  input: UpdateMeetingInput,
): Promise<MeetingView> {
  const splitAt = requireOccurrence(input).originalStartsAt;
  const now = deps.now();
  const outbox = new NotificationOutbox();
  const { version, continuation } = await deps.db.transaction(async (tx) => {
    const current = await lockChangeableSeries(tx, actor, input.id);
    if (current.version !== input.version) throw new ConflictError(MEETING_CHANGED_MEANWHILE);
    const recurrenceNow = current.recurrence ?? [];
    if (!isSeriesStart(current, splitAt)) throw new NotFoundError(NOT_IN_SERIES);
    const length = current.endsAt.getTime() - current.startsAt.getTime();
    const splitOccurrence = await occurrenceNow(tx, actor, current, splitAt);
    const { startsAt, endsAt } = movedLikeOccurrence(
      { startsAt: splitAt, endsAt: new Date(splitAt.getTime() + length) },
      splitOccurrence,
      input,
      current.timeZone,
    );
    if (endsAt <= startsAt) throw new InvalidInputError('The meeting must end after it starts');
    if (!withinMaxLength({ startsAt, endsAt })) throw new InvalidInputError(MEETING_TOO_LONG);
    const timeChanged =
      startsAt.getTime() !== splitAt.getTime() || endsAt.getTime() - startsAt.getTime() !== length;
    const timeZone = input.timeZone ?? current.timeZone;
    const recurrence =
      input.recurrence === undefined
        ? followingTheStart(continuingFrom(current, splitAt), splitAt, startsAt, timeZone)
        : input.recurrence && recurrenceLines(input.recurrence, startsAt, timeZone);
    const nextVersion = current.version + 1;
    await markMeetingChanged(tx, actor, current, nextVersion, now, {
      sequence: current.sequence + 1,
      recurrence: endingBefore(recurrenceNow, splitAt),
    });
    const [created] = await tx
      .insert(meetings)
      .values({
        tenantId: actor.tenantId,
        organizerId: current.organizerId,
        kind: input.kind ?? current.kind,
        title: input.title ?? current.title,
        description: input.description !== undefined ? input.description : current.description,
        location: input.location !== undefined ? input.location : current.location,
        onlineUrl: input.onlineUrl !== undefined ? input.onlineUrl : current.onlineUrl,
        startsAt,
        endsAt,
        timeZone,
        recurrence,
        icalUid: `${crypto.randomUUID()}@tandem`,
        updatedAt: now,
        updatedBy: actor.userId,
        changedIn: 'tandem',
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await carryAttendees(tx, actor, current.id, created.id, input.attendeeUserIds, timeChanged);
    const moved = await tx
      .update(meetingOccurrences)
      .set({ meetingId: created.id, version: created.version })
      .where(
        and(
          eq(meetingOccurrences.tenantId, actor.tenantId),
          eq(meetingOccurrences.meetingId, current.id),
          gte(meetingOccurrences.originalStartsAt, splitAt),
        ),
      )
      .returning({ id: meetingOccurrences.id });
    await dropOccurrenceAnswers(
      tx,
      actor,
      moved.map((row) => row.id),
    );
    if (moved.length > 0) {
      await realignExceptions(
        tx,
        actor,
        created.id,
        {
          ...current,
          startsAt: splitAt,
          endsAt: new Date(splitAt.getTime() + length),
          recurrence: continuingFrom(current, splitAt),
        },
        created,
        created.version,
      );
    }
    const notified = await notifyUsers(
      tx,
      actor.tenantId,
      await attendeeUserIdsOf(tx, actor, created.id),
      'meeting_updated',
      {
        meetingId: created.id,
        title: created.title,
        startsAt: startsAt.toISOString(),
        originalStartsAt: splitAt.toISOString(),
        previousStartsAt: splitOccurrence.startsAt.toISOString(),
        timeChanged,
        scope: 'following',
      },
    );
    outbox.add(actor.tenantId, notified);
    return { version: nextVersion, continuation: created };
  });
  await requestDelivery(deps, actor, input.id, version);
  await requestDelivery(deps, actor, continuation.id, continuation.version);
  await outbox.announce(deps.jobs);
  return getMeeting(deps.db, actor, continuation.id);
}

function requireOccurrence(input: UpdateMeetingInput): OccurrenceScopeInput {
  if (!input.occurrence) throw new InvalidInputError('Say which occurrence to change');
  return input.occurrence;
}

async function lockChangeableSeries(tx: Transaction, actor: Actor, id: string): Promise<Meeting> {
  const current = await lockOwnMeeting(tx, actor, id);
  if (current.status === 'cancelled')
    throw new ConflictError('This meeting was cancelled and can no longer change');
  return current;
}

/** An occurrence has its own time, title, description and place; the rest belongs to the series. */
async function refuseSeriesOnlyChanges(
  tx: Transaction,
  actor: Actor,
  current: Meeting,
  input: UpdateMeetingInput,
) {
  const differs = <T>(given: T | undefined, now: T) => given !== undefined && given !== now;
  if (
    differs(input.kind, current.kind) ||
    differs(input.onlineUrl, current.onlineUrl) ||
    differs(input.timeZone, current.timeZone) ||
    input.recurrence !== undefined
  )
    throw new InvalidInputError(SERIES_ONLY);
  if (input.attendeeUserIds) {
    const invited = new Set(await attendeeUserIdsOf(tx, actor, current.id));
    const wanted = new Set(input.attendeeUserIds.filter((userId) => userId !== actor.userId));
    if (invited.size !== wanted.size || [...wanted].some((userId) => !invited.has(userId)))
      throw new InvalidInputError(SERIES_ONLY);
  }
}

/** Null means "as the series": a value equal to the series' own is not kept as an override. */
function override<T>(
  given: T | null | undefined,
  existing: T | null | undefined,
  series: T | null,
): T | null {
  if (given === undefined) return existing ?? null;
  return given === series ? null : given;
}

async function exceptionAt(tx: Transaction, actor: Actor, current: Meeting, originalStartsAt: Date) {
  const [row] = await tx
    .select()
    .from(meetingOccurrences)
    .where(
      and(
        eq(meetingOccurrences.tenantId, actor.tenantId),
        eq(meetingOccurrences.meetingId, current.id),
        eq(meetingOccurrences.originalStartsAt, originalStartsAt),
      ),
    );
  if (!row && !isSeriesStart(current, originalStartsAt)) throw new NotFoundError(NOT_IN_SERIES);
  return row;
}

interface ExceptionState {
  originalStartsAt: Date;
  status: 'scheduled' | 'cancelled';
  startsAt: Date;
  endsAt: Date;
  title: string | null;
  description: string | null;
  location: string | null;
  version: number;
  now: Date;
}

/** The occurrence's own SEQUENCE moves past both its last one and the series'. */
async function upsertException(
  tx: Transaction,
  actor: Actor,
  current: Meeting,
  existing: { sequence: number } | undefined,
  state: ExceptionState,
): Promise<string> {
  const { now, ...fields } = state;
  const values = {
    ...fields,
    sequence: Math.max(existing?.sequence ?? 0, current.sequence) + 1,
    updatedAt: now,
    updatedBy: actor.userId,
    changedIn: 'tandem',
  };
  const [row] = await tx
    .insert(meetingOccurrences)
    .values({ tenantId: actor.tenantId, meetingId: current.id, ...values })
    .onConflictDoUpdate({
      target: [meetingOccurrences.meetingId, meetingOccurrences.originalStartsAt],
      set: values,
    })
    .returning({ id: meetingOccurrences.id });
  if (!row) throw new Error('upsert returned no row');
  return row.id;
}

async function markMeetingChanged(
  tx: Transaction,
  actor: Actor,
  current: Meeting,
  version: number,
  now: Date,
  changes: { sequence: number; recurrence?: string[] },
) {
  await tx
    .update(meetings)
    .set({ ...changes, version, updatedAt: now, updatedBy: actor.userId, changedIn: 'tandem' })
    .where(and(eq(meetings.tenantId, actor.tenantId), eq(meetings.id, current.id)));
}

/**
 * The continuing series' invitees: everyone invited to the original (at the address they were
 * invited at), or the new list; a moved time asks them to answer again.
 */
async function carryAttendees(
  tx: Transaction,
  actor: Actor,
  fromMeetingId: string,
  toMeetingId: string,
  userIds: string[] | undefined,
  timeChanged: boolean,
) {
  const rows = await tx
    .select()
    .from(meetingAttendees)
    .where(and(eq(meetingAttendees.tenantId, actor.tenantId), eq(meetingAttendees.meetingId, fromMeetingId)));
  const wanted = userIds ? new Set((await resolveInvitees(tx, actor, userIds)).map((user) => user.id)) : null;
  const kept = rows.filter((row) => !wanted || !row.userId || wanted.has(row.userId));
  const keptIds = new Set(kept.flatMap((row) => (row.userId ? [row.userId] : [])));
  const fresh = wanted
    ? await calendarAddresses(
        tx,
        actor,
        (await resolveInvitees(tx, actor, [...wanted])).filter((user) => !keptIds.has(user.id)),
      )
    : [];
  const values = [
    ...kept.map((row) => ({
      tenantId: actor.tenantId,
      meetingId: toMeetingId,
      userId: row.userId,
      email: row.email,
      name: row.name,
      isOptional: row.isOptional,
      ...(timeChanged
        ? {}
        : {
            response: row.response,
            respondedAt: row.respondedAt,
            respondedVia: row.respondedVia,
            respondedProvider: row.respondedProvider,
            comment: row.comment,
          }),
    })),
    ...fresh.map((invitee) => ({
      tenantId: actor.tenantId,
      meetingId: toMeetingId,
      userId: invitee.id,
      email: invitee.email,
    })),
  ];
  if (values.length > 0) await tx.insert(meetingAttendees).values(values).onConflictDoNothing();
}

function ref(actor: Actor, meetingId: string): { tenantId: string; meetingId: string } {
  return { tenantId: actor.tenantId, meetingId };
}
