import { and, eq, isNotNull } from 'drizzle-orm';
import { seriesOccurrences } from '@/server/calendar/recurrence-expansion';
import type { Transaction } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  meetingAttendees,
  meetingLinks,
  meetingOccurrences,
  meetings,
  users,
} from '@/server/db/schema';
import {
  keepSeriesCopiesCurrent,
  markInstanceSeen,
  recordOccurrenceWrite,
  writesOf,
} from '@/server/delivery/occurrence-writes';
import { NotificationOutbox, notifyUsers } from '@/server/notifications/notify';
import { pickLaterChange } from './later-change';
import { providerOccurrences, type OccurrenceShape, type ProviderOccurrence } from './occurrence-mirror';
import type { ConvergeDeps } from './organizer-changes';

export interface OccurrenceChangeResult {
  /** Occurrences moved, retitled or re-placed from the organiser's calendar. */
  updated: number;
  /** Occurrences the organiser cancelled there (a cancelled instance, or an EXDATE on the series). */
  cancelled: number;
  /** Changed on both sides between syncs, Tandem's later: it will be written, the organiser was told. */
  keptTandemChange: number;
}

/**
 * The organiser moved, retitled or cancelled one occurrence of a Tandem series in their own calendar
 * (DESIGN.md §4 rule 5, recurring): after their calendar syncs, the exceptions of the linked series in
 * the mirror (rows with the series' external id and their original start; EXDATEs on the master)
 * become `meeting_occurrences` rows, changed in the provider by the organiser. Attendees are told
 * once, and the deliver-meeting job takes it to those Tandem delivers to. What the mirror shows
 * that Tandem already holds — our own occurrence writes coming back — changes nothing and tells
 * nobody. A Tandem change to that occurrence not yet written is weighed against it: the later wins.
 */
export async function applyOrganizerOccurrenceChanges(
  deps: ConvergeDeps,
  ref: { tenantId: string; calendarId: string },
): Promise<OccurrenceChangeResult> {
  const result: OccurrenceChangeResult = { updated: 0, cancelled: 0, keptTandemChange: 0 };
  const series = await deps.db
    .select({ link: meetingLinks, meeting: meetings, provider: calendarConnections.provider })
    .from(meetingLinks)
    .innerJoin(meetings, and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, meetingLinks.meetingId)))
    .innerJoin(
      calendars,
      and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, meetingLinks.calendarId)),
    )
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.calendarId, ref.calendarId),
        eq(meetingLinks.role, 'organizer'),
        eq(meetingLinks.state, 'written'),
        isNotNull(meetingLinks.externalId),
        isNotNull(meetings.recurrence),
        eq(meetings.status, 'scheduled'),
      ),
    );
  for (const { link, meeting, provider } of series) {
    if (!link.externalId || !meeting.recurrence?.length) continue;
    const shown = await providerOccurrences(deps, ref, meeting, link.externalId);
    for (const candidate of shown) {
      const outbox = new NotificationOutbox();
      const applied = await deps.db.transaction((tx) =>
        applyOne(tx, deps.now(), { ...ref, provider }, meeting.id, candidate, outbox),
      );
      if (!applied) continue;
      if (applied.notifiedOnly) result.keptTandemChange += 1;
      else if (applied.status === 'cancelled') result.cancelled += 1;
      else result.updated += 1;
      if (deps.jobs) {
        await deps.jobs.send({
          name: 'tandem/meeting.changed',
          data: { tenantId: ref.tenantId, meetingId: meeting.id, version: applied.version },
        });
        await outbox.announce(deps.jobs);
      }
    }
  }
  return result;
}

async function applyOne(
  tx: Transaction,
  now: Date,
  ref: { tenantId: string; calendarId: string; provider: string },
  meetingId: string,
  shown: ProviderOccurrence,
  outbox: NotificationOutbox,
): Promise<{ status: 'scheduled' | 'cancelled'; version: number; notifiedOnly?: boolean } | null> {
  const [meeting] = await tx
    .select()
    .from(meetings)
    .where(and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, meetingId)))
    .for('update');
  if (!meeting || meeting.status === 'cancelled' || !meeting.recurrence?.length) return null;
  const isStart = seriesOccurrences(
    {
      recurrence: meeting.recurrence,
      start: { kind: 'timed', start: meeting.startsAt, timeZone: meeting.timeZone },
    },
    shown.originalStartsAt,
    new Date(shown.originalStartsAt.getTime() + 1),
  ).some((start) => start.getTime() === shown.originalStartsAt.getTime());
  if (!isStart) return null;
  const [row] = await tx
    .select()
    .from(meetingOccurrences)
    .where(
      and(
        eq(meetingOccurrences.tenantId, ref.tenantId),
        eq(meetingOccurrences.meetingId, meetingId),
        eq(meetingOccurrences.originalStartsAt, shown.originalStartsAt),
      ),
    );
  const length = meeting.endsAt.getTime() - meeting.startsAt.getTime();
  const held: OccurrenceShape = row
    ? {
        status: row.status,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        title: row.title ?? meeting.title,
        location: row.location ?? meeting.location,
      }
    : {
        status: 'scheduled',
        startsAt: shown.originalStartsAt,
        endsAt: new Date(shown.originalStartsAt.getTime() + length),
        title: meeting.title,
        location: meeting.location,
      };
  const record = row
    ? (await writesOf(tx, ref.tenantId, [row.id])).get(`${row.id}|${ref.calendarId}`)
    : undefined;
  if (sameOccurrence(held, shown)) {
    // The calendar holds what Tandem holds (our own write coming back): the next write is not needed.
    if (row && (record?.writtenVersion ?? 0) < row.version)
      await recordOccurrenceWrite(tx, row, ref.calendarId, {
        externalId: shown.externalId,
        etag: shown.etag,
        at: now,
      });
    return null;
  }
  // Exactly what we wrote last, though Tandem has moved on since: the newer Tandem change is on its way.
  if (record && shown.etag !== null && record.etag === shown.etag) return null;
  const providerAt = shown.changedAt ?? now;
  const organizerName = await nameOf(tx, meeting.organizerId);
  if (row && (record?.writtenVersion ?? 0) < row.version) {
    const tandemSide = { at: row.updatedAt, changedIn: row.changedIn, userId: row.updatedBy };
    const providerSide = { at: providerAt, changedIn: ref.provider, userId: meeting.organizerId };
    if (pickLaterChange(tandemSide, providerSide) === 'first') {
      // Tandem's change is later and will be written over theirs: the organiser learns theirs did
      // not stick, once (their version is marked seen; an EXDATE has no version of its own to mark).
      if (shown.etag === null) return null;
      await markInstanceSeen(tx, row, ref.calendarId, { externalId: shown.externalId, etag: shown.etag });
      outbox.add(
        ref.tenantId,
        await notifyUsers(tx, ref.tenantId, [meeting.organizerId], 'meeting_change_overridden', {
          meetingId,
          title: row.title ?? meeting.title,
          startsAt: row.startsAt.toISOString(),
          scope: 'occurrence',
          yourChangeIn: ref.provider,
          winnerChangeIn: row.changedIn,
          winnerName: row.updatedBy ? await nameOf(tx, row.updatedBy) : null,
        }),
      );
      return { status: row.status, version: meeting.version, notifiedOnly: true };
    }
    if (row.updatedBy) {
      outbox.add(
        ref.tenantId,
        await notifyUsers(tx, ref.tenantId, [row.updatedBy], 'meeting_change_overridden', {
          meetingId,
          title: shown.title ?? meeting.title,
          startsAt: shown.startsAt.toISOString(),
          yourChangeIn: row.changedIn,
          winnerChangeIn: ref.provider,
          winnerName: organizerName,
        }),
      );
    }
  }

  const version = meeting.version + 1;
  const values = {
    status: shown.status,
    startsAt: shown.status === 'cancelled' ? held.startsAt : shown.startsAt,
    endsAt: shown.status === 'cancelled' ? held.endsAt : shown.endsAt,
    // Null follows the series: only what differs from it is the occurrence's own. A cancellation
    // (an EXDATE or a cancelled instance) says nothing of the title: the occurrence keeps its own.
    title:
      shown.status === 'cancelled'
        ? (row?.title ?? null)
        : shown.title !== null && shown.title !== meeting.title
          ? shown.title
          : null,
    location:
      shown.status === 'cancelled'
        ? (row?.location ?? null)
        : shown.location !== meeting.location
          ? shown.location
          : null,
    sequence: (row?.sequence ?? meeting.sequence) + 1,
    version,
    updatedAt: providerAt,
    updatedBy: meeting.organizerId,
    changedIn: ref.provider,
  };
  const [saved] = await tx
    .insert(meetingOccurrences)
    .values({ tenantId: ref.tenantId, meetingId, originalStartsAt: shown.originalStartsAt, ...values })
    .onConflictDoUpdate({
      target: [meetingOccurrences.meetingId, meetingOccurrences.originalStartsAt],
      set: values,
    })
    .returning();
  await tx
    .update(meetings)
    .set({ version })
    .where(and(eq(meetings.tenantId, ref.tenantId), eq(meetings.id, meetingId)));
  // The organiser's series itself did not change: its copies stay as written, at the new version.
  await keepSeriesCopiesCurrent(
    tx,
    { tenantId: ref.tenantId, meetingId },
    { previous: meeting.version, next: version },
  );
  if (saved) {
    await recordOccurrenceWrite(tx, saved, ref.calendarId, {
      externalId: shown.externalId,
      etag: shown.etag,
      at: now,
    });
  }
  const attendeeIds = await attendeeUserIdsOf(tx, ref.tenantId, meetingId);
  // One occurrence (describe.ts `scope`): named by the time it had, linked to where it is now.
  const about = {
    meetingId,
    title: meeting.title,
    scope: 'occurrence',
    changedIn: ref.provider,
    changedByName: organizerName,
  };
  if (shown.status === 'cancelled') {
    outbox.add(
      ref.tenantId,
      await notifyUsers(tx, ref.tenantId, attendeeIds, 'meeting_cancelled', {
        ...about,
        startsAt: held.startsAt.toISOString(),
      }),
    );
  } else {
    const timeChanged =
      shown.startsAt.getTime() !== held.startsAt.getTime() ||
      shown.endsAt.getTime() !== held.endsAt.getTime();
    outbox.add(
      ref.tenantId,
      await notifyUsers(tx, ref.tenantId, attendeeIds, 'meeting_updated', {
        ...about,
        title: shown.title ?? meeting.title,
        startsAt: shown.startsAt.toISOString(),
        originalStartsAt: shown.originalStartsAt.toISOString(),
        previousStartsAt: held.startsAt.toISOString(),
        timeChanged,
      }),
    );
  }
  return { status: shown.status, version };
}

function sameOccurrence(held: OccurrenceShape, shown: OccurrenceShape): boolean {
  if (held.status !== shown.status) return false;
  if (shown.status === 'cancelled') return true;
  return (
    held.startsAt.getTime() === shown.startsAt.getTime() &&
    held.endsAt.getTime() === shown.endsAt.getTime() &&
    // A calendar that hides the title keeps Tandem's.
    (shown.title === null || shown.title === held.title) &&
    (shown.location ?? null) === ((held.location ?? '').trim() || null)
  );
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
