import { and, eq, isNotNull, ne } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { externalEvents, type meetings } from '@/server/db/schema';
import { ProviderNotFoundError } from '@/server/providers/errors';
import type { CalendarProvider } from '@/server/providers/types';
import { isSeriesStart } from '@/server/recurrence/occurrences';

/**
 * After a recurring meeting's series was written over a copy: the copy's exceptions whose
 * occurrence the series no longer has — a "this and following" split ended it before them, or a
 * move of the series dropped them (realignExceptions) — are cancelled there. A provider may keep
 * an exception whose RECURRENCE-ID its new rule no longer gives (the Google emulator does), and it
 * would stay in the calendar as an occurrence Tandem does not have. Found from the mirror of that
 * calendar; one already gone is done.
 */
export async function cancelOrphanedInstances(
  db: Executor,
  meeting: typeof meetings.$inferSelect,
  at: {
    calendarId: string;
    provider: CalendarProvider;
    externalCalendarId: string;
    seriesExternalId: string;
  },
): Promise<number> {
  if (!meeting.recurrence?.length || meeting.status === 'cancelled') return 0;
  const instances = await db
    .select({ externalId: externalEvents.externalId, originalStartAt: externalEvents.originalStartAt })
    .from(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, meeting.tenantId),
        eq(externalEvents.calendarId, at.calendarId),
        eq(externalEvents.seriesExternalId, at.seriesExternalId),
        isNotNull(externalEvents.originalStartAt),
        ne(externalEvents.status, 'cancelled'),
      ),
    );
  let cancelled = 0;
  for (const instance of instances) {
    if (!instance.originalStartAt || isSeriesStart(meeting, instance.originalStartAt)) continue;
    try {
      await at.provider.cancelEvent(at.externalCalendarId, instance.externalId);
      cancelled += 1;
    } catch (error) {
      if (!(error instanceof ProviderNotFoundError)) throw error;
    }
  }
  return cancelled;
}
