import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { syncCursors } from '@/server/db/schema';

/**
 * Coalescing of push-triggered syncs per calendar. A push sets `push_sync_queued_at` and sends a
 * sync only if it was not already set; the sync clears it as it starts, so a change that lands
 * while a sync runs still gets one more. However many notifications arrive (replays, bursts), a
 * calendar has at most one sync queued and one running. A flag older than QUEUED_SYNC_STALE_MS
 * is taken as a lost job, so a dropped event cannot silence a calendar's pushes for good.
 */

export const QUEUED_SYNC_STALE_MS = 10 * 60_000;

interface CalendarKey {
  tenantId: string;
  calendarId: string;
}

/** True when this push should send a sync: none is queued (or the queued one is presumed lost). */
export async function queuePushSync(db: Executor, calendar: CalendarKey, now: Date): Promise<boolean> {
  const claimed = await db
    .update(syncCursors)
    .set({ pushSyncQueuedAt: now })
    .where(
      and(
        eq(syncCursors.tenantId, calendar.tenantId),
        eq(syncCursors.calendarId, calendar.calendarId),
        or(
          isNull(syncCursors.pushSyncQueuedAt),
          lt(syncCursors.pushSyncQueuedAt, new Date(now.getTime() - QUEUED_SYNC_STALE_MS)),
        ),
      ),
    )
    .returning({ calendarId: syncCursors.calendarId });
  return claimed.length > 0;
}

/** The sync could not be handed to the jobs: the next push (or the provider's retry) must try again. */
export async function releasePushSync(db: Executor, calendar: CalendarKey): Promise<void> {
  await db
    .update(syncCursors)
    .set({ pushSyncQueuedAt: null })
    .where(and(eq(syncCursors.tenantId, calendar.tenantId), eq(syncCursors.calendarId, calendar.calendarId)));
}

/** A sync starts: changes from now on need a new one, so pushes may queue it. */
export const startPushSync = releasePushSync;

/**
 * Records Google's X-Goog-Message-Number for the channel; false when it is not above the highest
 * seen (a replay or a late duplicate), in one conditional update so concurrent replays race safely.
 */
export async function claimMessageNumber(
  db: Executor,
  calendar: CalendarKey & { channelId: string },
  messageNumber: number,
): Promise<boolean> {
  const claimed = await db
    .update(syncCursors)
    .set({ channelMessageNumber: messageNumber })
    .where(
      and(
        eq(syncCursors.tenantId, calendar.tenantId),
        eq(syncCursors.calendarId, calendar.calendarId),
        eq(syncCursors.channelId, calendar.channelId),
        or(isNull(syncCursors.channelMessageNumber), lt(syncCursors.channelMessageNumber, messageNumber)),
      ),
    )
    .returning({ calendarId: syncCursors.calendarId });
  return claimed.length > 0;
}

/** The claimed message's sync could not be sent: Google retries it with the same number, which must pass. */
export async function releaseMessageNumber(
  db: Executor,
  calendar: CalendarKey & { channelId: string },
  messageNumber: number,
): Promise<void> {
  await db
    .update(syncCursors)
    .set({ channelMessageNumber: null })
    .where(
      and(
        eq(syncCursors.tenantId, calendar.tenantId),
        eq(syncCursors.calendarId, calendar.calendarId),
        eq(syncCursors.channelId, calendar.channelId),
        eq(syncCursors.channelMessageNumber, messageNumber),
      ),
    );
}
