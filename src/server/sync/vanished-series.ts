import { and, eq, gt, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { externalEvents } from '@/server/db/schema';
import { ringCalendarBell } from '@/server/calendar/change-bell';
import { ProviderNotFoundError } from '@/server/providers/errors';
import type { CalendarProvider, TimeWindow } from '@/server/providers/types';
import type { MirrorTarget } from './apply-changes';

/**
 * Series masters gone at the provider though no change said so. Graph's calendarView delta
 * reports occurrences and exceptions, never the master (learn.microsoft.com/graph/delta-query-events:
 * "single instances or occurrences and exceptions of a recurring series"): a series deleted whole
 * comes only as its instances' `@removed` ids, which the mirror never held (it folds plain
 * occurrences into the master) or keeps as cancelled exceptions (apply-changes.ts). A removed id
 * does not say whose instance it was, so after such a round the masters that could have lost
 * instances are read again: one the provider answers 404 for is gone, with its exceptions.
 */

export interface RoundRemovals {
  /** Removed ids the mirror did not hold: instances of any series. */
  unplaced: number;
  /** Masters whose exceptions were removed (kept as cancelled). */
  masters: Set<string>;
  /** Everything the round upserted: a master read again this round is there. */
  upserted: Set<string>;
}

export async function removeVanishedSeries(
  db: Executor,
  provider: CalendarProvider,
  externalCalendarId: string,
  target: MirrorTarget,
  window: TimeWindow,
  round: RoundRemovals,
): Promise<number> {
  const suspects = (await suspectMasters(db, target, window, round)).filter((id) => !round.upserted.has(id));
  const gone: string[] = [];
  for (const externalId of suspects) {
    try {
      await provider.getEvent(externalCalendarId, externalId);
    } catch (error) {
      if (!(error instanceof ProviderNotFoundError)) throw error;
      gone.push(externalId);
    }
  }
  if (gone.length === 0) return 0;
  const removed = await db
    .delete(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, target.tenantId),
        eq(externalEvents.calendarId, target.calendarId),
        or(inArray(externalEvents.externalId, gone), inArray(externalEvents.seriesExternalId, gone)),
      ),
    )
    .returning({ id: externalEvents.id });
  ringCalendarBell(target.tenantId);
  return removed.length;
}

/**
 * Unplaced removals could be any series' occurrences: every live master with occurrences in the
 * window. Otherwise only the masters of the removed exceptions.
 */
async function suspectMasters(
  db: Executor,
  target: MirrorTarget,
  window: TimeWindow,
  round: RoundRemovals,
): Promise<string[]> {
  if (round.unplaced === 0 && round.masters.size === 0) return [];
  const rows = await db
    .select({ externalId: externalEvents.externalId })
    .from(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, target.tenantId),
        eq(externalEvents.calendarId, target.calendarId),
        isNotNull(externalEvents.recurrence),
        isNull(externalEvents.seriesExternalId),
        lt(externalEvents.startAt, window.end),
        or(isNull(externalEvents.seriesEndAt), gt(externalEvents.seriesEndAt, window.start)),
        ...(round.unplaced > 0 ? [] : [inArray(externalEvents.externalId, [...round.masters])]),
      ),
    );
  return rows.map((row) => row.externalId);
}
