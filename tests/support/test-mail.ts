import { answerLinkKey } from '@/server/answers/answer-token';
import { mailerFromEnv } from '@/server/mail/mail-settings';
import type { Mailer } from '@/server/mail/mailer';

/** The answer-link key tests sign with. */
export const TEST_ANSWER_LINK_KEY = answerLinkKey('tandem-test-auth-secret');

export const TEST_MAIL_FROM = 'Tandem <tandem@northbridge.test>';
export const TEST_IMIP_ADDRESS = 'meetings@replies.tandem.test';

/** The real SMTP mailer, sending to a test SMTP server (tests/support/mail-sink.ts). */
export function testMailer(smtpUrl: string): Mailer {
  return mailerFromEnv({
    SMTP_URL: smtpUrl,
    MAIL_FROM: TEST_MAIL_FROM,
    IMIP_REPLY_ADDRESS: TEST_IMIP_ADDRESS,
  });
}

/** For job deps in tests that send no email: any send fails loudly (MailNotConfiguredError). */
export function unusedMailer(): Mailer {
  return mailerFromEnv({
    SMTP_URL: undefined,
    MAIL_FROM: TEST_MAIL_FROM,
    IMIP_REPLY_ADDRESS: TEST_IMIP_ADDRESS,
  });
}
