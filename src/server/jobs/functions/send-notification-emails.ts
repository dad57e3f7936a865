import { sendNotificationEmails } from '@/server/notifications/emails';
import { defineJob } from '../definition';

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
