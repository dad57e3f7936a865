import { and, eq, gte, inArray } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import {
  externalEvents,
  meetingLinks,
  meetingOccurrences,
  meetingOccurrenceWrites,
} from '@/server/db/schema';
import { ProviderConflictError, ProviderNotFoundError } from '@/server/providers/errors';
import type { CalendarProvider, EventWrite, ProviderEvent } from '@/server/providers/types';
import { meetingEventWrite } from './event-write';
import { openCalendar } from './links';
import { loadDeliveryState, type DeliveryState, type MeetingRef } from './meeting-state';
import { occurrenceItipMail } from './occurrence-email';
import type { DeliveryDeps } from './organizer-copy';

export type Occurrence = typeof meetingOccurrences.$inferSelect;

/** Where one occurrence exception goes: the organiser's instance, placed copies, Tandem's emails. */
interface OccurrenceTarget {
  /** A calendar id, or `email:<attendeeId>`. */
  key: string;
  kind: 'organizer' | 'placed_copy' | 'email';
  calendarId: string | null;
  attendeeId: string | null;
}

export function emailTarget(attendeeId: string): string {
  return `email:${attendeeId}`;
}

/** The places an occurrence change reaches, from the meeting's delivery plan. */
export function occurrenceTargets(state: DeliveryState): OccurrenceTarget[] {
  const { plan } = state;
  const targets: OccurrenceTarget[] = [];
  if (plan.organizerCopy && !plan.organizerCopy.target.needsReconnect) {
    const calendarId = plan.organizerCopy.target.calendarId;
    targets.push({ key: calendarId, kind: 'organizer', calendarId, attendeeId: null });
  }
  for (const attendee of plan.attendees) {
    if (attendee.copyTarget) {
      const calendarId = attendee.copyTarget.calendarId;
      targets.push({ key: calendarId, kind: 'placed_copy', calendarId, attendeeId: attendee.attendeeId });
    }
    if (attendee.tandemSendsItip) {
      const key = emailTarget(attendee.attendeeId);
      targets.push({ key, kind: 'email', calendarId: null, attendeeId: attendee.attendeeId });
    }
  }
  return targets;
}

/**
 * Occurrence exceptions some place has not got at their version yet (planDeliveryWork): a series
 * that is cancelled as a whole needs none, its CANCEL covers every occurrence.
 */
export async function occurrencesBehind(db: Executor, state: DeliveryState): Promise<string[]> {
  const { meeting } = state;
  if (meeting.status === 'cancelled' || !meeting.recurrence?.length) return [];
  const rows = await occurrencesOf(db, meeting.tenantId, meeting.id);
  if (rows.length === 0) return [];
  const targets = occurrenceTargets(state);
  const written = await writesOf(
    db,
    meeting.tenantId,
    rows.map((row) => row.id),
  );
  const series = await seriesWrites(db, meeting.tenantId, meeting.id);
  return rows
    .filter((row) => row.version > 0)
    .filter((row) =>
      targets.some(
        (target) => !isCurrent(written.get(`${row.id}|${target.key}`), row, series.get(target.key)),
      ),
    )
    .map((row) => row.id);
}

/**
 * Written at the occurrence's version, and after the series was last written there: a calendar
 * that rewrites the whole series (Graph's pattern, a CalDAV master) may have dropped the exception.
 */
function isCurrent(
  record: OccurrenceWrite | undefined,
  occurrence: Occurrence,
  seriesWrittenAt?: Date,
): boolean {
  if (!record || record.writtenVersion < occurrence.version) return false;
  return !seriesWrittenAt || record.writtenAt.getTime() >= seriesWrittenAt.getTime();
}

/** When the series was last written or seen in each calendar, by calendar id. */
async function seriesWrites(db: Executor, tenantId: string, meetingId: string): Promise<Map<string, Date>> {
  const links = await db
    .select({
      calendarId: meetingLinks.calendarId,
      updatedAt: meetingLinks.updatedAt,
      state: meetingLinks.state,
    })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.tenantId, tenantId), eq(meetingLinks.meetingId, meetingId)));
  return new Map(
    links.filter((link) => link.state === 'written').map((link) => [link.calendarId, link.updatedAt]),
  );
}

/**
 * A change to occurrences only leaves the series as each calendar holds it: copies written at the
 * version before are marked as holding the new one, so delivery does not rewrite (and re-announce)
 * the whole series; the occurrence step writes just the instance. For whoever changes an
 * occurrence (Tandem's API, or sync bringing the organiser's), inside their transaction.
 */
export async function keepSeriesCopiesCurrent(
  tx: Executor,
  ref: { tenantId: string; meetingId: string },
  versions: { previous: number; next: number },
): Promise<void> {
  await tx
    .update(meetingLinks)
    .set({ writtenVersion: versions.next })
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.meetingId, ref.meetingId),
        eq(meetingLinks.state, 'written'),
        gte(meetingLinks.writtenVersion, versions.previous),
      ),
    );
}

export type OccurrenceOutcome = Record<string, 'written' | 'up_to_date' | 'not_found' | 'sent'>;

/**
 * Takes one occurrence exception everywhere the meeting is (DESIGN.md §4 rule 5, recurring): the
 * organiser's instance of the series is updated or cancelled with its etag, and their provider tells
 * the attendees; the instances in copies Tandem placed get the override; those Tandem emails get an
 * iMIP REQUEST or CANCEL with RECURRENCE-ID and the occurrence's SEQUENCE. Each place is recorded
 * once written, so a replayed step writes nothing twice.
 */
export async function deliverOccurrence(
  deps: DeliveryDeps,
  ref: MeetingRef & { occurrenceId: string },
): Promise<OccurrenceOutcome> {
  const state = await loadDeliveryState(deps.db, ref);
  const [occurrence] = await deps.db
    .select()
    .from(meetingOccurrences)
    .where(
      and(
        eq(meetingOccurrences.tenantId, ref.tenantId),
        eq(meetingOccurrences.meetingId, ref.meetingId),
        eq(meetingOccurrences.id, ref.occurrenceId),
      ),
    );
  const outcome: OccurrenceOutcome = {};
  // Version 0: a row that only holds answers to an occurrence nobody changed (answers/occurrence-answers.ts).
  if (!occurrence || occurrence.version === 0 || state.meeting.status === 'cancelled') return outcome;
  const written = await writesOf(deps.db, ref.tenantId, [occurrence.id]);
  const series = await seriesWrites(deps.db, ref.tenantId, ref.meetingId);
  for (const target of occurrenceTargets(state)) {
    const record = written.get(`${occurrence.id}|${target.key}`);
    if (isCurrent(record, occurrence, series.get(target.key))) {
      outcome[target.key] = 'up_to_date';
      continue;
    }
    if (target.kind === 'email' && target.attendeeId) {
      const mail = occurrenceItipMail(deps, state, occurrence, target.attendeeId);
      if (mail) await deps.mailer.send(mail);
      await recordOccurrenceWrite(deps.db, occurrence, target.key, {
        externalId: null,
        etag: null,
        at: deps.now(),
      });
      outcome[target.key] = 'sent';
      continue;
    }
    if (!target.calendarId) continue;
    outcome[target.key] = await writeInstance(deps, state, occurrence, target, record?.externalId ?? null);
  }
  return outcome;
}

async function writeInstance(
  deps: DeliveryDeps,
  state: DeliveryState,
  occurrence: Occurrence,
  target: OccurrenceTarget,
  knownExternalId: string | null,
): Promise<'written' | 'not_found'> {
  const calendarId = target.calendarId!;
  const [link] = await deps.db
    .select()
    .from(meetingLinks)
    .where(
      and(
        eq(meetingLinks.tenantId, state.meeting.tenantId),
        eq(meetingLinks.meetingId, state.meeting.id),
        eq(meetingLinks.calendarId, calendarId),
      ),
    );
  // The series is not there yet (its own step writes it first, or it waits for a reconnect).
  if (!link?.externalId || link.state !== 'written') return 'not_found';
  const { provider, externalCalendarId } = await openCalendar(deps, state.meeting.tenantId, calendarId);
  const at = { provider, externalCalendarId, seriesExternalId: link.externalId };
  const instance = await findInstance(
    deps.db,
    state.meeting.tenantId,
    calendarId,
    at,
    occurrence,
    knownExternalId,
  );
  if (!instance) {
    // Already gone there (a cancelled instance): nothing left to write.
    if (occurrence.status === 'cancelled') {
      await recordOccurrenceWrite(deps.db, occurrence, target.key, {
        externalId: knownExternalId,
        etag: null,
        at: deps.now(),
      });
      return 'written';
    }
    return 'not_found';
  }
  const write = instanceWrite(deps, state, occurrence, target);
  const written = await writeWithRetry(provider, externalCalendarId, instance, occurrence, write);
  await recordOccurrenceWrite(deps.db, occurrence, target.key, {
    externalId: instance.externalId,
    etag: written?.etag ?? null,
    at: deps.now(),
  });
  // A CalDAV series is one resource: writing an instance gave the series a new etag. The link takes
  // it when nobody else changed it meanwhile, so the next series write is not taken for a conflict.
  if (link.etag !== null && link.etag === instance.etag) {
    const master = await provider.getEvent(externalCalendarId, link.externalId).catch(() => null);
    if (master?.etag && master.etag !== link.etag) {
      await deps.db
        .update(meetingLinks)
        .set({ etag: master.etag })
        .where(and(eq(meetingLinks.tenantId, link.tenantId), eq(meetingLinks.id, link.id)));
    }
  }
  return 'written';
}

async function writeWithRetry(
  provider: CalendarProvider,
  calendarId: string,
  instance: ProviderEvent,
  occurrence: Occurrence,
  write: EventWrite,
): Promise<ProviderEvent | null> {
  const once = async (etag: string | null): Promise<ProviderEvent | null> => {
    if (occurrence.status === 'cancelled') {
      await provider.cancelEvent(calendarId, instance.externalId, { etag });
      return null;
    }
    return provider.updateEvent(calendarId, instance.externalId, write, { etag });
  };
  try {
    return await once(instance.etag);
  } catch (error) {
    if (error instanceof ProviderNotFoundError && occurrence.status === 'cancelled') return null;
    if (!(error instanceof ProviderConflictError)) throw error;
  }
  // Changed between our read and our write (an answer, another instance of a CalDAV series): the
  // occurrence as Tandem holds it is the later change.
  const current = await provider.getEvent(calendarId, instance.externalId);
  return once(current.etag);
}

/**
 * The instance at the provider: the id already known (written before, or in the mirror as an
 * exception), else the series read around its original start.
 */
async function findInstance(
  db: Executor,
  tenantId: string,
  calendarId: string,
  at: { provider: CalendarProvider; externalCalendarId: string; seriesExternalId: string },
  occurrence: Occurrence,
  knownExternalId: string | null,
): Promise<ProviderEvent | null> {
  const [mirrored] = await db
    .select({ externalId: externalEvents.externalId })
    .from(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, tenantId),
        eq(externalEvents.calendarId, calendarId),
        eq(externalEvents.seriesExternalId, at.seriesExternalId),
        eq(externalEvents.originalStartAt, occurrence.originalStartsAt),
      ),
    );
  const known = knownExternalId ?? mirrored?.externalId ?? null;
  if (known) {
    try {
      const event = await at.provider.getEvent(at.externalCalendarId, known);
      if (event.status !== 'cancelled') return event;
      return null;
    } catch (error) {
      if (!(error instanceof ProviderNotFoundError)) throw error;
    }
  }
  const original = occurrence.originalStartsAt.getTime();
  const events = await at.provider.readEvents(at.externalCalendarId, {
    start: new Date(original - 86_400_000),
    end: new Date(original + 2 * 86_400_000),
  });
  return (
    events.find(
      (event) =>
        event.seriesExternalId === at.seriesExternalId &&
        event.status !== 'cancelled' &&
        event.originalStart?.kind === 'timed' &&
        event.originalStart.start.getTime() === original,
    ) ?? null
  );
}

/** The series' write with this occurrence's times, title, place and SEQUENCE, and no recurrence. */
function instanceWrite(
  deps: DeliveryDeps,
  state: DeliveryState,
  occurrence: Occurrence,
  target: OccurrenceTarget,
): EventWrite {
  const { meeting, plan } = state;
  const placedCopy =
    target.kind === 'placed_copy'
      ? {
          organizer:
            plan.organizerOfRecord === 'provider'
              ? { email: plan.organizerAddress, name: state.organizer.name }
              : { email: deps.mailer.imipAddress, name: state.organizer.name },
          withResponses: false,
        }
      : undefined;
  const series = meetingEventWrite(state, {
    notifyAttendees: target.kind === 'organizer' ? (plan.organizerCopy?.notifyAttendees ?? true) : false,
    ...(placedCopy ? { placedCopy } : {}),
  });
  return {
    ...series,
    title: occurrence.title ?? meeting.title,
    description: occurrence.description ?? meeting.description,
    location: occurrence.location ?? meeting.location,
    time: { kind: 'timed', start: occurrence.startsAt, end: occurrence.endsAt, timeZone: meeting.timeZone },
    recurrence: null,
    sequence: occurrence.sequence,
  };
}

export async function occurrencesOf(
  db: Executor,
  tenantId: string,
  meetingId: string,
): Promise<Occurrence[]> {
  return db
    .select()
    .from(meetingOccurrences)
    .where(and(eq(meetingOccurrences.tenantId, tenantId), eq(meetingOccurrences.meetingId, meetingId)));
}

type OccurrenceWrite = typeof meetingOccurrenceWrites.$inferSelect;

/** Write records by `<occurrenceId>|<target>`. */
export async function writesOf(
  db: Executor,
  tenantId: string,
  occurrenceIds: string[],
): Promise<Map<string, OccurrenceWrite>> {
  if (occurrenceIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(meetingOccurrenceWrites)
    .where(
      and(
        eq(meetingOccurrenceWrites.tenantId, tenantId),
        inArray(meetingOccurrenceWrites.occurrenceId, occurrenceIds),
      ),
    );
  return new Map(rows.map((row) => [`${row.occurrenceId}|${row.target}`, row]));
}

/** The occurrence at its version is in `target`: recorded after the write, so a crash between writes again. */
export async function recordOccurrenceWrite(
  db: Executor,
  occurrence: Pick<Occurrence, 'id' | 'tenantId' | 'version'>,
  target: string,
  written: { externalId: string | null; etag: string | null; at: Date },
): Promise<void> {
  const values = {
    externalId: written.externalId,
    etag: written.etag,
    writtenVersion: occurrence.version,
    writtenAt: written.at,
  };
  await db
    .insert(meetingOccurrenceWrites)
    .values({ tenantId: occurrence.tenantId, occurrenceId: occurrence.id, target, ...values })
    .onConflictDoUpdate({
      target: [meetingOccurrenceWrites.occurrenceId, meetingOccurrenceWrites.target],
      set: values,
    });
}
