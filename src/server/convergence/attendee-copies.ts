import { and, eq } from 'drizzle-orm';
import { recordAnswer } from '@/server/answers/record-answer';
import type { Database, Executor } from '@/server/db/client';
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
    const [attendee] = await deps.db
      .select({ response: meetingAttendees.response, method: meetingAttendees.deliveryMethod })
      .from(meetingAttendees)
      .where(and(eq(meetingAttendees.tenantId, ref.tenantId), eq(meetingAttendees.id, attendeeId)));
    if (!attendee) continue;
    if (attendee.method === 'organizer_provider') {
      // The provider carries answers to the organiser's copy (Outlook removes a declined meeting
      // from the attendee's calendar; Google turns a deletion into a decline): its word comes first.
      if (attendee.response === 'declined') {
        await forgetCopy(deps.db, ref.tenantId, copy.linkId, deps.now());
        continue;
      }
      if (copy.lastError !== VANISHED_ONCE) {
        await lookAgainAfterOrganizerSync(deps, ref, copy);
        continue;
      }
    }
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
        await forgetCopy(tx, ref.tenantId, copy.linkId, at);
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

/** Marks a vanished copy seen once, while the organiser's calendar is asked what the provider made of it. */
const VANISHED_ONCE = 'gone from their calendar: waiting for the organiser’s calendar';

async function lookAgainAfterOrganizerSync(
  deps: { db: Database; now: () => Date; jobs?: JobDispatcher },
  ref: { tenantId: string; calendarId: string },
  copy: VanishedCopy,
): Promise<void> {
  await deps.db
    .update(meetingLinks)
    .set({ lastError: VANISHED_ONCE, updatedAt: deps.now() })
    .where(and(eq(meetingLinks.tenantId, ref.tenantId), eq(meetingLinks.id, copy.linkId)));
  const [organizerCopy] = await deps.db
    .select({ calendarId: meetingLinks.calendarId })
    .from(meetingLinks)
    .where(
      and(
        eq(meetingLinks.tenantId, ref.tenantId),
        eq(meetingLinks.meetingId, copy.meetingId),
        eq(meetingLinks.role, 'organizer'),
      ),
    );
  // The organiser's calendar first, then this one again: by then the answer is in, or there is none.
  await deps.jobs?.send([
    ...(organizerCopy
      ? [
          {
            name: 'tandem/calendar.sync-requested' as const,
            data: {
              tenantId: ref.tenantId,
              calendarId: organizerCopy.calendarId,
              reason: 'conflict' as const,
            },
          },
        ]
      : []),
    {
      name: 'tandem/calendar.sync-requested' as const,
      data: { tenantId: ref.tenantId, calendarId: ref.calendarId, reason: 'conflict' as const },
    },
  ]);
}

async function forgetCopy(db: Executor, tenantId: string, linkId: string, at: Date): Promise<void> {
  await db
    .update(meetingLinks)
    .set({ externalId: null, etag: null, state: 'pending', lastError: REMOVED_FROM_CALENDAR, updatedAt: at })
    .where(and(eq(meetingLinks.tenantId, tenantId), eq(meetingLinks.id, linkId)));
}
