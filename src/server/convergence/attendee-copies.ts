import { and, eq, isNull } from 'drizzle-orm';
import { recordAnswer } from '@/server/answers/record-answer';
import type { Database } from '@/server/db/client';
import { calendarConnections, calendars, meetingLinks } from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import type { JobDispatcher } from '@/server/jobs/events';
import { NotificationOutbox } from '@/server/notifications/notify';
import { findVanishedCopies } from './vanished-copies';

/**
 * After a calendar's sync (issue 12): an attendee who deleted their copy of a meeting from their
 * own calendar, where the provider reports no answer, is recorded as declined — "removed it from
 * their calendar" — and the organiser is told once. The link is marked in the same transaction,
 * so a replayed or concurrent sync finds the copy gone again and tells nobody. An attendee who
 * had already declined (Exchange takes a declined copy out of the calendar) is told about by the
 * answer itself, not again by its removal.
 */
export async function recordRemovedAttendeeCopies(
  deps: { db: Database; now: () => Date; jobs?: JobDispatcher },
  ref: { tenantId: string; calendarId: string },
): Promise<{ recorded: number }> {
  const { db } = deps;
  const vanished = (await findVanishedCopies(db, ref)).filter(
    (copy) => copy.role === 'attendee' && copy.attendeeId !== null,
  );
  if (vanished.length === 0) return { recorded: 0 };
  const [owner] = await db
    .select({ provider: calendarConnections.provider })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)))
    .limit(1);
  if (!owner) return { recorded: 0 };

  let recorded = 0;
  for (const copy of vanished) {
    const outbox = new NotificationOutbox();
    const at = deps.now();
    try {
      const outcome = await db.transaction(async (tx) => {
        const claimed = await tx
          .update(meetingLinks)
          .set({ vanishedAt: at, updatedAt: at })
          .where(
            and(
              eq(meetingLinks.tenantId, ref.tenantId),
              eq(meetingLinks.id, copy.linkId),
              isNull(meetingLinks.vanishedAt),
            ),
          )
          .returning({ id: meetingLinks.id });
        if (claimed.length === 0) return 'unchanged' as const;
        return recordAnswer(
          tx,
          {
            tenantId: ref.tenantId,
            meetingId: copy.meetingId,
            attendeeId: copy.attendeeId ?? '',
            response: 'declined',
            at,
            via: 'provider',
            provider: owner.provider,
            removedCopy: true,
          },
          outbox,
        );
      });
      if (deps.jobs) await outbox.announce(deps.jobs);
      if (outcome === 'recorded') recorded += 1;
    } catch (error) {
      // Cancelled or taken off the meeting since the query: nothing to record, no reason to fail the sync.
      if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
    }
  }
  return { recorded };
}
