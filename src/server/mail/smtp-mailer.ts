import nodemailer from 'nodemailer';
import type { Mailer, MailAddress, OutgoingMail, SentMail } from './mailer';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…` (nodemailer's connection URL). */
  smtpUrl: string;
  from: MailAddress;
  imipAddress: string;
}

function formatAddress(address: MailAddress): string | { name: string; address: string } {
  return address.name ? { name: address.name, address: address.email } : address.email;
}

/** A Mailer over SMTP with nodemailer; its `icalEvent` builds the RFC 6047 multipart shape. */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    from: options.from,
    imipAddress: options.imipAddress,
    async send(mail: OutgoingMail): Promise<SentMail> {
      const info = await transport.sendMail({
        from: formatAddress(mail.from ?? options.from),
        to: mail.to.map(formatAddress),
        replyTo: formatAddress(mail.replyTo ?? { email: options.imipAddress, name: null }),
        subject: mail.subject,
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        ...(mail.calendar
          ? {
              icalEvent: {
                method: mail.calendar.method,
                filename: 'invite.ics',
                content: mail.calendar.content,
              },
            }
          : {}),
      });
      return { messageId: String(info.messageId) };
    },
  };
}
