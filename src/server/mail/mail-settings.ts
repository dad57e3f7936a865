import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { Env } from '@/env';
import { answerLinkKey } from '@/server/answers/answer-token';
import type { Mailer, MailAddress } from './mailer';
import { createSmtpMailer } from './smtp-mailer';

/** MAIL_FROM as `Name <address>` or a bare address. */
export function parseMailAddress(value: string): MailAddress {
  const [first] = addressparser(value, { flatten: true });
  if (!first?.address) throw new Error(`not an email address: ${value}`);
  return { email: first.address, name: first.name || null };
}

/** Thrown when something must send email and SMTP_URL is not set (outside production only). */
export class MailNotConfiguredError extends Error {
  override readonly name = 'MailNotConfiguredError';
  constructor() {
    super('Email is not set up on this server (SMTP_URL)');
  }
}

export function mailerFromEnv(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM' | 'IMIP_REPLY_ADDRESS'>): Mailer {
  const from = parseMailAddress(env.MAIL_FROM);
  if (env.SMTP_URL)
    return createSmtpMailer({ smtpUrl: env.SMTP_URL, from, imipAddress: env.IMIP_REPLY_ADDRESS });
  // The environment check requires SMTP_URL in production; elsewhere mail waits and is retried.
  return {
    from,
    imipAddress: env.IMIP_REPLY_ADDRESS,
    send: () => Promise.reject(new MailNotConfiguredError()),
  };
}

export function answerLinkKeyFromEnv(env: Pick<Env, 'AUTH_SECRET'>): Buffer {
  return answerLinkKey(env.AUTH_SECRET);
}
