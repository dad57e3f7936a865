import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { externalEvents, meetingLinks } from '@/server/db/schema';
import { ProviderConflictError, ProviderNotFoundError } from '@/server/providers/errors';
import type { CalendarProvider, EventWrite, ProviderEvent } from '@/server/providers/types';
import { meetingEventWrite } from './event-write';
import { openCalendar } from './links';
import type { DeliveryState } from './meeting-state';
import { recordOccurrenceWrite, type Occurrence } from './occurrence-records';
import type { OccurrenceTarget } from './occurrence-writes';
import type { DeliveryDeps } from './organizer-copy';

/** One occurrence written to the instance of the series in one calendar (the organiser's, or a copy Tandem placed). */

export async function writeInstance(
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
  const { provider, externalCalendarId } = await openCalendar(deps, state.meeting.tenantId, calendarId, {
    meetingId: state.meeting.id,
    actorUserId: state.organizer.userId,
  });
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
    // Series-level answers say nothing about who answered this occurrence's time
    // (occurrence-answers.ts keeps those apart): an instance write resets nobody's.
    attendees: series.attendees.map(({ answerAgain: _answerAgain, ...attendee }) => attendee),
  };
}
