import { and, eq, gt, isNotNull, isNull, ne, or } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { calendars, meetingLinks, meetings } from '@/server/db/schema';
import type { JobDispatcher } from '@/server/jobs/events';
import { REMOVED_FROM_CALENDAR } from './attendee-copies';

/**
 * Meetings still to come whose copy in one of the connection's calendars Tandem could not write
 * (DESIGN.md §4 rule 6): the organiser's copy waiting for them to reconnect, or a copy Tandem
 * places in an attendee's calendar given up on when access was revoked.
 */
export async function meetingsWaitingForConnection(
  db: Executor,
  ref: { tenantId: string; connectionId: string },
  now: Date,
): Promise<{ meetingId: string; version: number }[]> {
  return db
    .selectDistinct({ meetingId: meetings.id, version: meetings.version })
    .from(meetingLinks)
    .innerJoin(
      calendars,
      and(eq(calendars.tenantId, meetingLinks.tenantId), eq(calendars.id, meetingLinks.calendarId)),
    )
    .innerJoin(
      meetings,
      and(eq(meetings.tenantId, meetingLinks.tenantId), eq(meetings.id, meetingLinks.meetingId)),
    )
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(calendars.connectionId, ref.connectionId),
        ne(meetingLinks.state, 'written'),
        // A copy the attendee deleted themselves is their answer, not something to put back.
        or(isNull(meetingLinks.lastError), ne(meetingLinks.lastError, REMOVED_FROM_CALENDAR)),
        eq(meetings.status, 'scheduled'),
        or(gt(meetings.endsAt, now), isNotNull(meetings.recurrence)),
      ),
    );
}

/**
 * A calendar was reconnected: the meetings that were waiting for it are delivered again, as if
 * changed (the deliver-meeting job writes what is behind and nothing twice). Call once the
 * connection is saved active, so the job finds it usable.
 */
export async function requestDeliveryAfterReconnect(
  deps: { db: Executor; jobs: JobDispatcher; now: () => Date },
  ref: { tenantId: string; connectionId: string },
): Promise<{ requested: number }> {
  const waiting = await meetingsWaitingForConnection(deps.db, ref, deps.now());
  if (waiting.length === 0) return { requested: 0 };
  await deps.jobs.send(
    waiting.map(({ meetingId, version }) => ({
      name: 'tandem/meeting.changed' as const,
      data: { tenantId: ref.tenantId, meetingId, version },
    })),
  );
  return { requested: waiting.length };
}
