import type { Inngest } from 'inngest';
import { syncCalendar } from '@/server/sync/sync-calendar';
import { calendarSyncRequested } from '../events';
import type { JobRuntime } from '../runtime';
import { runService } from './step-errors';

/** Provider quotas are per account: a connection's calendars share one throttle. */
const CONNECTION_KEY = 'has(event.data.connectionId) ? event.data.connectionId : event.data.calendarId';

/**
 * Brings one calendar's mirror up to date (push, poll, "Sync now", import). One run per calendar
 * at a time, so two syncs never interleave their cursor writes; duplicates queue up harmlessly,
 * since `syncCalendar` is incremental and idempotent.
 */
export const syncCalendarJob = {
  id: 'sync-calendar',
  trigger: calendarSyncRequested,
  concurrencyKey: 'event.data.calendarId',
  services: { syncCalendar },
} as const;

export function createSyncCalendarFunction(client: Inngest, runtime: JobRuntime) {
  return client.createFunction(
    {
      id: syncCalendarJob.id,
      name: 'Sync a calendar',
      triggers: [syncCalendarJob.trigger],
      concurrency: { key: syncCalendarJob.concurrencyKey, limit: 1 },
      throttle: { key: CONNECTION_KEY, limit: 20, period: '10s', burst: 5 },
      retries: 5,
    },
    async ({ event, step, attempt }) => {
      const { tenantId, calendarId } = event.data;
      return step.run('sync-calendar', () =>
        runService(attempt, async () => {
          await syncCalendar(await runtime.deps(), { tenantId, calendarId });
          // The result stays small: Inngest stores every step's output.
          return { calendarId };
        }),
      );
    },
  );
}
