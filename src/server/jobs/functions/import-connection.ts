import { refreshCalendarList } from '@/server/sync/calendar-list';
import { ensurePushChannel } from '@/server/sync/push-channels';
import { defineJob } from '../definition';

/**
 * A connection was added or reconnected: list its calendars, ask for each one's import, then open
 * its push channel. The imports run as their own `sync-calendar` runs (one per calendar, each
 * retried on its own); changes made between an import and the channel's opening are caught by
 * the first push or poll, since every sync is incremental.
 */
export const importConnection = defineJob({
  id: 'import-connection',
  name: 'Import a connected calendar account',
  trigger: { event: 'tandem/connection.added' },
  // A reconnect while the first import still runs waits for it rather than racing it.
  concurrencyKey: 'event.data.connectionId',
  retries: 5,
  async run(deps, { tenantId, connectionId }, steps) {
    const { calendarIds } = await steps.run('refresh-calendar-list', () =>
      refreshCalendarList(deps, { tenantId, connectionId }),
    );
    await steps.run('request-calendar-imports', () =>
      deps.jobs.send(
        calendarIds.map((calendarId) => ({
          name: 'tandem/calendar.sync-requested' as const,
          data: { tenantId, calendarId, connectionId, reason: 'import' as const },
        })),
      ),
    );
    const channels: Record<string, string> = {};
    for (const calendarId of calendarIds) {
      const { status } = await steps.run(`ensure-push-channel-${calendarId}`, () =>
        ensurePushChannel(deps, { tenantId, calendarId }),
      );
      channels[calendarId] = status;
    }
    return { calendars: calendarIds.length, channels };
  },
});
