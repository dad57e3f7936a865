import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Database, Transaction } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  externalEvents,
  meetingAttendees,
  meetingLinks,
  meetings,
  users,
  type MirrorAttendee,
} from '@/server/db/schema';
import type { JobDispatcher } from '@/server/jobs/events';
import { NotificationOutbox, notifyUsers } from '@/server/notifications/notify';
import { pickLaterChange, type ChangeSide } from './later-change';
import { followReplacedCopy } from './replaced-copies';

/** What applying organisers' own changes needs: the database, the clock, and jobs to deliver and email. */
export interface ConvergeDeps {
  db: Database;
  now: () => Date;
  jobs?: JobDispatcher;
}

export interface OrganizerChangeResult {
  /** Meetings moved, renamed or re-placed from the organiser's calendar. */
  updated: string[];
  /** Meetings cancelled because the organiser deleted or cancelled their copy. */
  cancelled: string[];
  /** Changes made on both sides since the last sync: Tandem's was later and will be written. */
  keptTandemChange: string[];
  /** Copies the organiser moved to another of their calendars: the link followed them. */
  replaced: string[];
}

interface CopyState {
  title: string | null;
  location: string | null;
  startAt: Date;
  endAt: Date;
  allDay: boolean;
  /** Series masters: RRULE / EXDATE / RDATE lines. */
  recurrence: string[] | null;
  status: string;
  etag: string | null;
  /** The copy's iCalendar SEQUENCE, where the provider reports it. */
  sequence: number | null;
  providerUpdatedAt: Date | null;
  attendees: MirrorAttendee[];
}

/**
 * The organiser changed Tandem's meeting in their own calendar (DESIGN.md §4 rule 5): sync found
 * their copy with an etag Tandem did not write (delivery/link-copies.ts), or found it gone
 * (vanished-copies.ts). The meeting follows — new time, title, place; a deletion cancels it —
 * and every attendee is told what changed, where and by whom. This is distinct from mirroring:
 * the mirror row stays the organiser's event; this updates the meeting it is a copy of.
 *
 * If Tandem also changed the meeting since its last write to that copy, the later change wins
 * (later-change.ts) and the person whose change lost is told. The organiser's copy is marked as
 * holding the new version, so delivery does not write it back; the job still runs, for the
 * attendees Tandem itself delivers to (iMIP, CalDAV copies, answer links).
 */
export async function applyOrganizerCopyChanges(
  deps: ConvergeDeps,
  ref: { tenantId: string; calendarId: string },
  changed: { meetingId: string; externalId: string }[],
  vanished: { meetingId: string; externalId: string }[],
): Promise<OrganizerChangeResult> {
  const result: OrganizerChangeResult = { updated: [], cancelled: [], keptTandemChange: [], replaced: [] };
  if (changed.length === 0 && vanished.length === 0) return result;
  const provider = await calendarProvider(deps.db, ref);
  if (!provider) return result;
  const gone = new Set(vanished.map((copy) => copy.meetingId));
  for (const copy of [...changed.filter((copy) => !gone.has(copy.meetingId)), ...vanished]) {
    const outbox = new NotificationOutbox();
    const outcome = await deps.db.transaction((tx) =>
      applyOne(tx, deps.now(), { ...ref, provider }, copy, gone.has(copy.meetingId), outbox),
    );
    if (outcome.kind === 'replaced') {
      result.replaced.push(copy.meetingId);
      continue;
    }
    if (outcome.kind === 'none') continue;
    if (outcome.kind === 'updated') result.updated.push(copy.meetingId);
    if (outcome.kind === 'cancelled') result.cancelled.push(copy.meetingId);
    if (outcome.kind === 'kept_tandem') result.keptTandemChange.push(copy.meetingId);
    if (deps.jobs) {
      await deps.jobs.send({
        name: 'tandem/meeting.changed',
        data: { tenantId: ref.tenantId, meetingId: copy.meetingId, version: outcome.version },
      });
      await outbox.announce(deps.jobs);
    }
  }
  return result;
}

type Outcome =
  | { kind: 'none' }
  | { kind: 'replaced' }
  | { kind: 'updated' | 'cancelled' | 'kept_tandem'; version: number };

async function applyOne(
  tx: Transaction,
  now: Date,
  ref: { tenantId: string; calendarId: string; provider: string },
  copy: { meetingId: string; externalId: string },
  deleted: boolean,
  outbox: NotificationOutbox,
): Promise<Outcome> {
  const [meeting] = await tx
    .select()
    .from(meetings)
    .where(and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, copy.meetingId)))
    .for('update');
  const [link] = await tx
    .select()
    .from(meetingLinks)
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.meetingId, copy.meetingId),
        eq(meetingLinks.calendarId, ref.calendarId),
        eq(meetingLinks.role, 'organizer'),
      ),
    );
  if (!meeting || !link || link.externalId !== copy.externalId) return { kind: 'none' };
  const mirrored = deleted ? null : await mirroredCopy(tx, ref, copy.externalId);
  if (!deleted && !mirrored) return { kind: 'none' };
  if (deleted && (await followReplacedCopy(tx, ref, meeting, link.id))) return { kind: 'replaced' };
  if (meeting.status === 'cancelled') {
    await markCopySeen(tx, link.id, ref.tenantId, mirrored?.etag ?? link.etag, link.writtenVersion, now);
    return { kind: 'none' };
  }

  const proposed = deleted ? { cancelled: true as const } : changesFrom(meeting, mirrored!);
  const copySequence = mirrored?.sequence ?? null;
  // The organiser made the copy all-day. A Tandem meeting always has a start and an end (the
  // dates alone say nothing useful about when to meet), so the meeting keeps its time and the copy
  // is written back to it — copies and meeting must agree — and the organiser is told why.
  const madeAllDay = !deleted && mirrored!.allDay;
  if (!proposed) {
    // Nothing the meeting holds changed (an answer shown there, or only a description): the next
    // read is not a change. The organiser's calendar app may still have bumped SEQUENCE (CalDAV
    // clients do on any edit); Tandem's next write and iMIP must not go below it, or attendees'
    // calendars would take them for stale.
    // A series' copy also changes when one of its occurrences does (a CalDAV override bumps the
    // resource's SEQUENCE): its numbers are the occurrence handling's (occurrence-exceptions.ts).
    if (!meeting.recurrence?.length) await raiseSequence(tx, ref.tenantId, meeting, copySequence ?? 0);
    if (madeAllDay) {
      await markCopySeen(tx, link.id, ref.tenantId, mirrored!.etag, meeting.version - 1, now);
      outbox.add(ref.tenantId, await tellTimeKept(tx, ref, meeting, meeting));
      return { kind: 'kept_tandem', version: meeting.version };
    }
    await markCopySeen(tx, link.id, ref.tenantId, mirrored!.etag, link.writtenVersion, now);
    return { kind: 'none' };
  }
  const organizerName = await nameOf(tx, meeting.organizerId);
  const providerSide: ChangeSide = {
    at: mirrored?.providerUpdatedAt ?? now,
    changedIn: ref.provider,
    userId: meeting.organizerId,
  };
  const tandemUnwritten = (link.writtenVersion ?? 0) < meeting.version;
  if (tandemUnwritten) {
    const tandemSide: ChangeSide = {
      at: meeting.updatedAt,
      changedIn: meeting.changedIn,
      userId: meeting.updatedBy,
    };
    if (pickLaterChange(tandemSide, providerSide) === 'first') {
      // Tandem's change is later: it will overwrite the copy (with this etag), and the organiser
      // learns their edit in their calendar did not stick. It overwrites with a SEQUENCE above
      // the copy's, as the organiser's app may have sent that one to attendees already.
      await raiseSequence(tx, ref.tenantId, meeting, (copySequence ?? -1) + 1);
      await markCopySeen(tx, link.id, ref.tenantId, mirrored?.etag ?? null, link.writtenVersion, now);
      outbox.add(
        ref.tenantId,
        await notifyUsers(tx, ref.tenantId, [meeting.organizerId], 'meeting_change_overridden', {
          meetingId: meeting.id,
          title: meeting.title,
          startsAt: meeting.startsAt.toISOString(),
          yourChangeIn: ref.provider,
          winnerChangeIn: meeting.changedIn,
          winnerName: meeting.updatedBy ? await nameOf(tx, meeting.updatedBy) : null,
        }),
      );
      return { kind: 'kept_tandem', version: meeting.version };
    }
    if (meeting.updatedBy) {
      outbox.add(
        ref.tenantId,
        await notifyUsers(tx, ref.tenantId, [meeting.updatedBy], 'meeting_change_overridden', {
          meetingId: meeting.id,
          title: 'cancelled' in proposed ? meeting.title : (proposed.title ?? meeting.title),
          startsAt: ('cancelled' in proposed ? meeting.startsAt : proposed.startsAt).toISOString(),
          yourChangeIn: meeting.changedIn,
          winnerChangeIn: ref.provider,
          winnerName: organizerName,
        }),
      );
    }
  }

  const version = meeting.version + 1;
  const stamp = {
    version,
    // The copy's own SEQUENCE when its app raised it further (it may have sent it to attendees).
    sequence: Math.max(meeting.sequence + 1, copySequence ?? 0),
    updatedAt: providerSide.at > meeting.updatedAt ? providerSide.at : now,
    updatedBy: meeting.organizerId,
    changedIn: ref.provider,
  };
  const attendeeUserIds = await attendeeUserIdsOf(tx, ref.tenantId, meeting.id);
  const about = { meetingId: meeting.id, changedIn: ref.provider, changedByName: organizerName };
  if ('cancelled' in proposed) {
    await tx
      .update(meetings)
      .set({ status: 'cancelled', ...stamp })
      .where(and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, meeting.id)));
    outbox.add(
      ref.tenantId,
      await notifyUsers(tx, ref.tenantId, attendeeUserIds, 'meeting_cancelled', {
        ...about,
        title: meeting.title,
        startsAt: meeting.startsAt.toISOString(),
      }),
    );
    await markCopySeen(tx, link.id, ref.tenantId, link.etag, version, now);
    return { kind: 'cancelled', version };
  }

  await tx
    .update(meetings)
    .set({
      title: proposed.title ?? meeting.title,
      location: proposed.location,
      startsAt: proposed.startsAt,
      endsAt: proposed.endsAt,
      ...(proposed.recurrence ? { recurrence: proposed.recurrence } : {}),
      ...stamp,
    })
    .where(and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, meeting.id)));
  if (proposed.timeChanged) await resetAnswersTheCopyLacks(tx, ref.tenantId, meeting.id, mirrored!, now);
  outbox.add(
    ref.tenantId,
    await notifyUsers(tx, ref.tenantId, attendeeUserIds, 'meeting_updated', {
      ...about,
      title: proposed.title ?? meeting.title,
      startsAt: proposed.startsAt.toISOString(),
      timeChanged: proposed.timeChanged,
    }),
  );
  if (madeAllDay) outbox.add(ref.tenantId, await tellTimeKept(tx, ref, meeting, proposed));
  // An all-day copy is rewritten at the meeting's time by the delivery job this sends.
  await markCopySeen(tx, link.id, ref.tenantId, mirrored!.etag, madeAllDay ? meeting.version : version, now);
  return { kind: 'updated', version };
}

interface ProposedUpdate {
  title: string | null;
  location: string | null;
  startsAt: Date;
  endsAt: Date;
  timeChanged: boolean;
  /** Set when a single meeting's copy became a series: the meeting becomes that series. */
  recurrence: string[] | null;
}

/** The organiser is told the meeting kept its time when they made its copy all-day. */
async function tellTimeKept(
  tx: Transaction,
  ref: { tenantId: string; provider: string },
  meeting: { id: string; organizerId: string },
  now: { title: string | null; startsAt: Date },
) {
  return notifyUsers(tx, ref.tenantId, [meeting.organizerId], 'meeting_change_overridden', {
    meetingId: meeting.id,
    title: now.title ?? '',
    startsAt: now.startsAt.toISOString(),
    yourChangeIn: ref.provider,
    winnerChangeIn: 'tandem',
    winnerName: null,
    reason: 'all_day',
  });
}

/**
 * What the organiser's copy changes in the meeting, or null when nothing it holds differs. An
 * all-day copy keeps the meeting's time (a meeting is timed; its dates alone say nothing useful).
 * A copy without a title (a provider that hid it) keeps the meeting's.
 *
 * A recurrence added to a single meeting's copy makes the meeting that series: the provider has
 * already invited its attendees to the series, so Tandem follows rather than undo it. Changes to
 * an existing series' rule and its occurrences are the occurrence handling's (recurring meetings).
 */
export function changesFrom(
  meeting: {
    title: string;
    location: string | null;
    startsAt: Date;
    endsAt: Date;
    recurrence?: string[] | null;
  },
  copy: CopyState,
): ProposedUpdate | null {
  if (copy.status === 'cancelled') return null;
  const timeChanged =
    !copy.allDay &&
    (copy.startAt.getTime() !== meeting.startsAt.getTime() ||
      copy.endAt.getTime() !== meeting.endsAt.getTime());
  const title = copy.title?.trim() ? copy.title : null;
  const titleChanged = title !== null && title !== meeting.title;
  const location = (copy.location ?? '').trim() || null;
  const locationChanged = location !== ((meeting.location ?? '').trim() || null);
  const becameSeries =
    !copy.allDay && (meeting.recurrence ?? []).length === 0 && (copy.recurrence ?? []).length > 0;
  if (!timeChanged && !titleChanged && !locationChanged && !becameSeries) return null;
  return {
    title,
    location,
    startsAt: timeChanged ? copy.startAt : meeting.startsAt,
    endsAt: timeChanged ? copy.endAt : meeting.endsAt,
    timeChanged,
    recurrence: becameSeries ? copy.recurrence : null,
  };
}

/**
 * A move asks everyone to answer again — except where the organiser's copy still shows an answer
 * (a provider that kept it, or an answer given after the move): the copy is the provider's word.
 */
async function resetAnswersTheCopyLacks(
  tx: Transaction,
  tenantId: string,
  meetingId: string,
  copy: CopyState,
  now: Date,
): Promise<void> {
  const answered = copy.attendees
    .filter((entry) => entry.response !== 'needs_action')
    .map((entry) => entry.email.toLowerCase());
  const rows = await tx
    .select({ id: meetingAttendees.id, email: meetingAttendees.email })
    .from(meetingAttendees)
    .where(and(eq(meetingAttendees.tenantId, tenantId), eq(meetingAttendees.meetingId, meetingId)));
  const reset = rows.filter((row) => !answered.includes(row.email.toLowerCase())).map((row) => row.id);
  if (reset.length === 0) return;
  await tx
    .update(meetingAttendees)
    .set({ response: 'needs_action', respondedAt: null, respondedVia: null, comment: null })
    .where(
      and(
        eq(meetingAttendees.tenantId, tenantId),
        inArray(meetingAttendees.id, reset),
        or(
          isNull(meetingAttendees.respondedAt),
          lt(meetingAttendees.respondedAt, copy.providerUpdatedAt ?? now),
        ),
      ),
    );
}

/** meetings.sequence to at least `atLeast`, without a new version: nothing to deliver for it. */
async function raiseSequence(
  tx: Transaction,
  tenantId: string,
  meeting: { id: string; sequence: number },
  atLeast: number,
): Promise<void> {
  if (atLeast <= meeting.sequence) return;
  await tx
    .update(meetings)
    .set({ sequence: atLeast })
    .where(and(eq(meetings.tenantId, tenantId), eq(meetings.id, meeting.id)));
}

async function markCopySeen(
  tx: Transaction,
  linkId: string,
  tenantId: string,
  etag: string | null,
  writtenVersion: number | null,
  at: Date,
): Promise<void> {
  await tx
    .update(meetingLinks)
    .set({ etag, writtenVersion, updatedAt: at })
    .where(and(eq(meetingLinks.tenantId, tenantId), eq(meetingLinks.id, linkId)));
}

async function mirroredCopy(
  tx: Transaction,
  ref: { tenantId: string; calendarId: string },
  externalId: string,
): Promise<CopyState | null> {
  const [row] = await tx
    .select({
      title: externalEvents.title,
      location: externalEvents.location,
      startAt: externalEvents.startAt,
      endAt: externalEvents.endAt,
      allDay: externalEvents.allDay,
      recurrence: externalEvents.recurrence,
      status: externalEvents.status,
      etag: externalEvents.etag,
      sequence: externalEvents.sequence,
      providerUpdatedAt: externalEvents.providerUpdatedAt,
      attendees: externalEvents.attendees,
    })
    .from(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, ref.tenantId),
        eq(externalEvents.calendarId, ref.calendarId),
        eq(externalEvents.externalId, externalId),
      ),
    );
  return row ?? null;
}

async function calendarProvider(
  db: Database,
  ref: { tenantId: string; calendarId: string },
): Promise<string | null> {
  const [row] = await db
    .select({ provider: calendarConnections.provider })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)));
  return row?.provider ?? null;
}

async function nameOf(tx: Transaction, userId: string): Promise<string | null> {
  const [row] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? null;
}

async function attendeeUserIdsOf(tx: Transaction, tenantId: string, meetingId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: meetingAttendees.userId })
    .from(meetingAttendees)
    .where(and(eq(meetingAttendees.tenantId, tenantId), eq(meetingAttendees.meetingId, meetingId)));
  return rows.flatMap((row) => (row.userId ? [row.userId] : []));
}
