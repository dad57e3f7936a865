import { reconcileCalendar } from '@/server/sync/reconcile-calendar';
import { syncCalendar as syncCalendarMirror } from '@/server/sync/sync-calendar';
import { defineJob } from '../definition';

/**
 * Brings one calendar's mirror up to date (push, poll, "Sync now", import), and for the daily
 * reconcile compares it with an etag listing afterwards. One run per calendar at a time, so two
 * syncs (or a sync and a reconcile) never interleave their writes; duplicates queue up harmlessly,
 * since `syncCalendar` is incremental and idempotent.
 */
export const syncCalendar = defineJob({
  id: 'sync-calendar',
  name: 'Sync a calendar',
  trigger: { event: 'tandem/calendar.sync-requested' },
  concurrencyKey: 'event.data.calendarId',
  // Provider quotas are per account: a connection's calendars share one throttle.
  throttle: {
    key: 'has(event.data.connectionId) ? event.data.connectionId : event.data.calendarId',
    limit: 20,
    period: '10s',
    burst: 5,
  },
  retries: 5,
  async run(deps, { tenantId, calendarId, reason }, steps) {
    const synced = await steps.run('sync-calendar', async () => {
      await syncCalendarMirror(deps, { tenantId, calendarId });
      // The result stays small: Inngest stores every step's output.
      return { calendarId };
    });
    if (reason !== 'reconcile') return synced;
    return steps.run('reconcile-calendar', async () => {
      const { outcome, upserted, removed } = await reconcileCalendar(deps, { tenantId, calendarId });
      return { calendarId, outcome, upserted, removed };
    });
  },
});
