import { and, eq } from 'drizzle-orm';
import { recordAnswer } from '@/server/answers/record-answer';
import type { Database } from '@/server/db/client';
import { calendarConnections, calendars, meetingAttendees, meetingLinks } from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import type { JobDispatcher } from '@/server/jobs/events';
import { NotificationOutbox } from '@/server/notifications/notify';
import type { VanishedCopy } from './vanished-copies';

/** What the meeting shows for an attendee who deleted their copy without answering. */
export const REMOVED_FROM_CALENDAR = 'removed it from their calendar';

/**
 * An attendee deleted their copy of a meeting in their own calendar (DESIGN.md §4 rules 4–5).
 * Where the provider turned that into a decline, the organiser's copy already says so; where it
 * reports nothing, the deletion is the answer: declined, "removed it from their calendar", and
 * the organiser is told once. The link forgets the copy, so the next sync does not find it again;
 * should the attendee add it back, linking finds the new copy.
 */
export async function recordRemovedAttendeeCopies(
  deps: { db: Database; now: () => Date; jobs?: JobDispatcher },
  ref: { tenantId: string; calendarId: string },
  vanished: VanishedCopy[],
): Promise<{ declined: number }> {
  const copies = vanished.filter((copy) => copy.role === 'attendee' && copy.attendeeId);
  if (copies.length === 0) return { declined: 0 };
  const [owner] = await deps.db
    .select({ provider: calendarConnections.provider })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)));
  let declined = 0;
  for (const copy of copies) {
    const attendeeId = copy.attendeeId!;
    const outbox = new NotificationOutbox();
    const at = deps.now();
    try {
      const outcome = await deps.db.transaction(async (tx) => {
        const outcome = await recordAnswer(
          tx,
          {
            tenantId: ref.tenantId,
            meetingId: copy.meetingId,
            attendeeId,
            response: 'declined',
            at,
            via: 'provider',
            provider: owner?.provider ?? null,
            removedFromCalendar: true,
          },
          outbox,
        );
        await tx
          .update(meetingLinks)
          .set({
            externalId: null,
            etag: null,
            state: 'pending',
            lastError: REMOVED_FROM_CALENDAR,
            updatedAt: at,
          })
          .where(and(eq(meetingLinks.tenantId, ref.tenantId), eq(meetingLinks.id, copy.linkId)));
        await tx
          .update(meetingAttendees)
          .set({ deliveryDetail: REMOVED_FROM_CALENDAR })
          .where(and(eq(meetingAttendees.tenantId, ref.tenantId), eq(meetingAttendees.id, attendeeId)));
        return outcome;
      });
      if (outcome === 'recorded') declined += 1;
      if (deps.jobs) await outbox.announce(deps.jobs);
    } catch (error) {
      // Cancelled or the attendee removed meanwhile: nothing left to answer.
      if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
    }
  }
  return { declined };
}
