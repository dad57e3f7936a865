import type { Inngest } from 'inngest';
import { renewExpiringChannels, renewPushChannel } from '@/server/sync/push-channels';
import { pushChannelRenewalRequested } from '../events';
import type { JobRuntime } from '../runtime';
import { runService } from './step-errors';

/** Every 30 minutes: channels expiring within a day are renewed long before they lapse. */
export const renewChannelsJob = {
  id: 'renew-channels',
  everyMinutes: 30,
  cron: '*/30 * * * *',
  services: { renewExpiringChannels },
} as const;

export function createRenewChannelsFunction(client: Inngest, runtime: JobRuntime) {
  return client.createFunction(
    { id: renewChannelsJob.id, name: 'Renew push channels', triggers: [{ cron: renewChannelsJob.cron }], retries: 2 },
    async ({ step, attempt }) =>
      step.run('renew-expiring-channels', () =>
        runService(attempt, async () => renewExpiringChannels({ ...(await runtime.deps()), appUrl: runtime.appUrl })),
      ),
  );
}

/**
 * Graph asked for a subscription's reauthorization, or removed it: renew it now (or create it
 * afresh), and after a removal sync the calendar, since notifications may have been lost.
 */
export const renewPushChannelJob = {
  id: 'renew-push-channel',
  trigger: pushChannelRenewalRequested,
  concurrencyKey: 'event.data.calendarId',
  services: { renewPushChannel },
} as const;

export function createRenewPushChannelFunction(client: Inngest, runtime: JobRuntime) {
  return client.createFunction(
    {
      id: renewPushChannelJob.id,
      name: 'Renew a push channel on request',
      triggers: [renewPushChannelJob.trigger],
      concurrency: { key: renewPushChannelJob.concurrencyKey, limit: 1 },
      retries: 5,
    },
    async ({ event, step, attempt }) => {
      const { tenantId, calendarId, reason } = event.data;
      const recreate = reason === 'subscription_removed';
      const { status } = await step.run('renew-push-channel', () =>
        runService(attempt, async () =>
          renewPushChannel({ ...(await runtime.deps()), appUrl: runtime.appUrl }, { tenantId, calendarId, recreate }),
        ),
      );
      if (recreate) {
        await step.run('request-catch-up-sync', () =>
          runtime.dispatcher().send({ name: 'tandem/calendar.sync-requested', data: { tenantId, calendarId, reason: 'push' } }),
        );
      }
      return { status };
    },
  );
}
