import type { Mailer } from '@/server/mail/mailer';
import { MailNotConfiguredError } from '@/server/mail/mail-settings';

/** A mailer for tests that send no mail: any send fails as on a server without SMTP_URL. */
export const offlineMailer: Mailer = {
  from: { email: 'tandem@example.test', name: 'Tandem' },
  imipAddress: 'meetings@replies.tandem.test',
  send: () => Promise.reject(new MailNotConfiguredError()),
};
