/**
 * Test support for the iMIP fidelity tests: an SMTP sink standing in for the relay (captures what
 * an emulator sends, parsed with mailparser) and a sender that mails an iCalendar to an
 * emulator's inbound port as another provider would (nodemailer, RFC 6047 layout).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { parseImip, type ImipCalendar, type ImipMethod } from './imip';

export interface CapturedMail {
  from: string;
  to: string[];
  mail: ParsedMail;
  /** The text/calendar alternative's content type, e.g. `text/calendar; method=REQUEST; charset=UTF-8`. */
  calendarContentType: string | null;
  calendar: ImipCalendar | null;
  /** File names of the attachments (invite.ics among them). */
  attachmentNames: string[];
}

export interface SmtpSink {
  url: string;
  messages: CapturedMail[];
  clear(): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((mail) => {
            const calendarPart = mail.attachments.find((a) => a.contentType === 'text/calendar');
            const header = /Content-Type:\s*(text\/calendar[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/i.exec(
              raw.toString('utf8'),
            );
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              mail,
              calendarContentType: header?.[1]?.replace(/\s+/g, ' ') ?? null,
              calendar: calendarPart ? parseImip(calendarPart.content.toString('utf8')) : null,
              attachmentNames: mail.attachments.map((a) => a.filename ?? ''),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = (server.server as unknown as { address(): AddressInfo }).address();
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    clear: () => messages.splice(0, messages.length),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Mails an iCalendar to an emulator's inbound SMTP URL; rejects when the server refuses it. */
export async function mailImip(
  smtpUrl: string,
  message: { from: string; to: string | string[]; method: ImipMethod; ics: string },
): Promise<void> {
  const transport = nodemailer.createTransport(smtpUrl);
  try {
    await transport.sendMail({
      from: message.from,
      to: message.to,
      subject: `iMIP ${message.method}`,
      text: 'An invitation from another calendar.',
      icalEvent: { method: message.method, content: message.ics },
      attachments: [{ filename: 'invite.ics', content: message.ics, contentType: 'application/ics' }],
    });
  } finally {
    transport.close();
  }
}
