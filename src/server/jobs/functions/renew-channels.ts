import { renewExpiringChannels, renewPushChannel as renewOneChannel } from '@/server/sync/push-channels';
import { defineJob } from '../definition';

/** Every 30 minutes: channels expiring within a day are renewed long before they lapse. */
export const renewChannels = defineJob({
  id: 'renew-channels',
  name: 'Renew push channels',
  trigger: { cron: () => '*/30 * * * *' },
  retries: 2,
  run: (deps, _data, steps) => steps.run('renew-expiring-channels', () => renewExpiringChannels(deps)),
});

/**
 * Graph asked for a subscription's reauthorization, or removed it: renew it now (or create it
 * afresh), and after a removal sync the calendar, since notifications may have been lost.
 */
export const renewPushChannel = defineJob({
  id: 'renew-push-channel',
  name: 'Renew a push channel on request',
  trigger: { event: 'tandem/push-channel.renewal-requested' },
  concurrencyKey: 'event.data.calendarId',
  retries: 5,
  async run(deps, { tenantId, calendarId, reason }, steps) {
    const recreate = reason === 'subscription_removed';
    const { status } = await steps.run('renew-push-channel', () =>
      renewOneChannel(deps, { tenantId, calendarId, recreate }),
    );
    if (recreate) {
      await steps.run('request-catch-up-sync', () =>
        deps.jobs.send({
          name: 'tandem/calendar.sync-requested',
          data: { tenantId, calendarId, reason: 'push' },
        }),
      );
    }
    return { status };
  },
});
