/**
 * iMIP on the wire for the emulators (RFC 6047): sending over SMTP with nodemailer to the relay
 * (`EMULATOR_SMTP_RELAY_URL`, the mail exchange in the demo), and an inbound SMTP listener
 * (smtp-server + mailparser) that refuses unknown recipients (550, as a real MX does) and hands
 * the calendar part of each accepted message to the emulator for each recipient it hosts.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { ImipParseError, parseImip, type ImipCalendar, type ImipMethod, type ImipPerson } from './imip';

export interface OutboundImip {
  from: ImipPerson;
  to: ImipPerson;
  method: ImipMethod;
  subject: string;
  text: string;
  ics: string;
}

/** Sends iMIP email when a relay is configured; records failures; `idle()` waits for the queue to drain. */
export class ImipMailer {
  private readonly transport: Transporter | null;
  private queue: Promise<void> = Promise.resolve();
  readonly failures: { to: string; error: string }[] = [];

  constructor(relayUrl: string | undefined) {
    this.transport = relayUrl ? nodemailer.createTransport(relayOptions(relayUrl)) : null;
  }

  get relaying(): boolean {
    return this.transport !== null;
  }

  /** Queued, one at a time: messages leave in the order the changes happened, as a mail queue sends them. */
  send(message: OutboundImip): void {
    if (!this.transport) return;
    const transport = this.transport;
    this.queue = this.queue.then(() =>
      transport
        .sendMail({
          from: address(message.from),
          to: address(message.to),
          subject: message.subject,
          text: message.text,
          // The text/calendar alternative with METHOD (nodemailer sets `method=` on its content type)…
          icalEvent: { method: message.method, content: message.ics },
          // …and the same calendar as invite.ics, as Gmail and Outlook attach it.
          attachments: [
            { filename: 'invite.ics', content: message.ics, contentType: 'application/ics; charset=UTF-8' },
          ],
        })
        .then(
          () => undefined,
          (error: unknown) => {
            this.failures.push({ to: message.to.email, error: (error as Error).message });
            console.warn(`[emulator mail] could not send ${message.method} to ${message.to.email}:`, error);
          },
        ),
    );
  }

  async idle(): Promise<void> {
    let seen: Promise<void> | null = null;
    while (seen !== this.queue) {
      seen = this.queue;
      await seen;
    }
  }

  close(): void {
    this.transport?.close();
  }
}

/**
 * `smtp://host:port` (or `smtps://`) as transport options. The relay is on loopback in the demo
 * and tests; if it offers STARTTLS with a self-signed certificate, the upgrade still succeeds.
 */
function relayOptions(relayUrl: string) {
  const url = new URL(relayUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 25)),
    secure,
    tls: { rejectUnauthorized: false },
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
  };
}

function address(person: ImipPerson): string | { name: string; address: string } {
  return person.name ? { name: person.name, address: person.email } : person.email;
}

/** What the listener did with one recipient's copy of a message, for tests and logs. */
export interface InboundRecord {
  at: string;
  from: string;
  to: string;
  method: ImipMethod | null;
  uid: string | null;
  outcome: string;
}

export interface ImipListenerOptions {
  port: number;
  host?: string | undefined;
  /** Whether this emulator hosts a mailbox at that address. */
  hosts(address: string): boolean;
  /** Applies the calendar for one hosted recipient; returns what it did ("created", "ignored: …"). */
  deliver(recipient: string, calendar: ImipCalendar, sender: string): string;
  now(): Date;
}

export interface ImipListener {
  port: number;
  url: string;
  received: InboundRecord[];
  close(): Promise<void>;
}

export async function startImipListener(options: ImipListenerOptions): Promise<ImipListener> {
  const received: InboundRecord[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    banner: 'Tandem emulator MX',
    onRcptTo(rcpt: SMTPServerAddress, _session, callback) {
      if (options.hosts(rcpt.address.toLowerCase())) return callback();
      const refusal = Object.assign(new Error(`5.1.1 <${rcpt.address}>: no such mailbox here`), {
        responseCode: 550,
      });
      callback(refusal);
    },
    onData(stream, session, callback) {
      const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '';
      const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
      simpleParser(stream)
        .then((mail) => {
          const record = (to: string, method: ImipMethod | null, uid: string | null, outcome: string) =>
            received.push({ at: options.now().toISOString(), from: sender, to, method, uid, outcome });
          const text = calendarText(mail);
          let calendar: ImipCalendar | null = null;
          let problem = 'ignored: no text/calendar part (an ordinary email)';
          if (text) {
            try {
              calendar = parseImip(text);
            } catch (error) {
              if (!(error instanceof ImipParseError)) throw error;
              problem = `ignored: ${error.message}`;
            }
          }
          for (const to of recipients) {
            // A mailbox accepts an unreadable invitation as plain mail: nothing lands in the calendar.
            if (!calendar) record(to, null, null, problem);
            else
              record(
                to,
                calendar.method,
                calendar.events[0]?.uid ?? null,
                options.deliver(to, calendar, sender),
              );
          }
          callback();
        })
        .catch((error: unknown) => {
          console.error('[emulator mail] inbound message failed', error);
          callback(Object.assign(new Error('4.3.0 could not process the message'), { responseCode: 451 }));
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  server.on('error', (error) => console.error('[emulator mail] SMTP listener error', error));
  const { port } = (server.server as unknown as { address(): AddressInfo }).address();
  const host = options.host ?? '127.0.0.1';
  return {
    port,
    url: `smtp://${host}:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The text/calendar part, wherever mailparser put it (an attachment, or the text itself). */
function calendarText(mail: ParsedMail): string | null {
  for (const attachment of mail.attachments) {
    const type = attachment.contentType.toLowerCase();
    if (type === 'text/calendar' || type === 'application/ics' || attachment.filename?.endsWith('.ics'))
      return attachment.content.toString('utf8');
  }
  if (typeof mail.text === 'string' && mail.text.includes('BEGIN:VCALENDAR')) {
    const start = mail.text.indexOf('BEGIN:VCALENDAR');
    const end = mail.text.indexOf('END:VCALENDAR', start);
    if (end > start) return mail.text.slice(start, end + 'END:VCALENDAR'.length);
  }
  return null;
}
