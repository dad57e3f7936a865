import type { Inngest } from 'inngest';
import { refreshCalendarList } from '@/server/sync/calendar-list';
import { ensurePushChannel } from '@/server/sync/push-channels';
import { connectionAdded } from '../events';
import type { JobRuntime } from '../runtime';
import { runService } from './step-errors';

/**
 * A connection was added or reconnected: list its calendars, ask for each one's import, then open
 * its push channel. The imports run as their own `sync-calendar` runs (one per calendar, each
 * retried on its own); changes made between an import and the channel's opening are caught by
 * the first push or poll, since every sync is incremental.
 */
export const importConnectionJob = {
  id: 'import-connection',
  trigger: connectionAdded,
  services: { refreshCalendarList, ensurePushChannel },
} as const;

export function createImportConnectionFunction(client: Inngest, runtime: JobRuntime) {
  return client.createFunction(
    {
      id: importConnectionJob.id,
      name: 'Import a connected calendar account',
      triggers: [importConnectionJob.trigger],
      // A reconnect while the first import still runs waits for it rather than racing it.
      concurrency: { key: 'event.data.connectionId', limit: 1 },
      retries: 5,
    },
    async ({ event, step, attempt }) => {
      const { tenantId, connectionId } = event.data;
      const { calendarIds } = await step.run('refresh-calendar-list', () =>
        runService(attempt, async () => refreshCalendarList(await runtime.deps(), { tenantId, connectionId })),
      );
      await step.run('request-calendar-imports', () =>
        runtime.dispatcher().send(
          calendarIds.map((calendarId) => ({
            name: 'tandem/calendar.sync-requested' as const,
            data: { tenantId, calendarId, connectionId, reason: 'import' as const },
          })),
        ),
      );
      const channels: Record<string, string> = {};
      for (const calendarId of calendarIds) {
        const { status } = await step.run(`ensure-push-channel-${calendarId}`, () =>
          runService(attempt, async () => ensurePushChannel({ ...(await runtime.deps()), appUrl: runtime.appUrl }, { tenantId, calendarId })),
        );
        channels[calendarId] = status;
      }
      return { calendars: calendarIds.length, channels };
    },
  );
}
