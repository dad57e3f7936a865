import { listUnsentNotificationEmails } from '@/server/notifications/email-sweep';
import { sendNotificationEmails } from '@/server/notifications/emails';
import { defineJob } from '../definition';
import type { JobEvent } from '../events';

/**
 * New notifications: email those whose person wants the kind by email. The service claims each
 * before sending, so a replay or a duplicated event sends nothing twice; a failed send is
 * released and the step retried (the SMTP server may be down for a while).
 */
export const sendNotificationEmailsJob = defineJob({
  id: 'send-notification-emails',
  name: 'Send notification emails',
  trigger: { event: 'tandem/notifications.created' },
  retries: 8,
  run: (deps, { tenantId, notificationIds }, steps) =>
    steps.run('send-notification-emails', () => sendNotificationEmails(deps, { tenantId, notificationIds })),
});

/** Every five minutes: notifications whose email is still owed (see listUnsentNotificationEmails). */
export const sweepNotificationEmailsJob = defineJob({
  id: 'sweep-notification-emails',
  name: 'Send notification emails still owed',
  trigger: { cron: () => '*/5 * * * *' },
  retries: 2,
  async run(deps, _data, steps) {
    const batches = await steps.run('list-unsent-notification-emails', () =>
      listUnsentNotificationEmails(deps),
    );
    if (batches.length === 0) return { requested: 0 };
    const events: JobEvent[] = batches.map((data) => ({ name: 'tandem/notifications.created', data }));
    await steps.run('request-notification-emails', () => deps.jobs.send(events));
    return { requested: batches.length };
  },
});
