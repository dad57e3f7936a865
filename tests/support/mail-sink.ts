/**
 * A real SMTP server on a free loopback port that keeps what it receives, parsed: tests send
 * through the real Mailer (nodemailer over SMTP) and read the messages back here.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  recipients: string[];
  from: string | null;
  raw: Buffer;
  parsed: ParsedMail;
  /** The text/calendar part, if any: its method and content. */
  calendar: { method: string | null; content: string } | null;
}

export interface MailSink {
  url: string;
  messages: ReceivedMail[];
  /** Messages addressed to one recipient. */
  to(email: string): ReceivedMail[];
  /** Waits until `count` messages have arrived for `email` (or any, without one). */
  waitFor(count: number, email?: string, timeoutMs?: number): Promise<ReceivedMail[]>;
  clear(): void;
  close(): Promise<void>;
}

export function calendarPartOf(parsed: ParsedMail): ReceivedMail['calendar'] {
  const part = parsed.attachments.find((attachment) => attachment.contentType.startsWith('text/calendar'));
  if (!part) return null;
  // mailparser keeps the part's Content-Type parameters (method=…) in its headers map.
  const type = part.headers.get('content-type') as { params?: Record<string, string> } | string | undefined;
  const method = typeof type === 'object' ? (type.params?.['method'] ?? null) : null;
  return { method: method ? method.toUpperCase() : null, content: part.content.toString('utf8') };
}

export async function startMailSink(): Promise<MailSink> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              raw,
              parsed,
              calendar: calendarPartOf(parsed),
            });
            for (const wake of waiters) wake();
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const to = (email: string) => messages.filter((mail) => mail.recipients.includes(email.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to,
    async waitFor(count, email, timeoutMs = 10_000) {
      const current = () => (email ? to(email) : messages);
      if (current().length >= count) return current();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} mails${email ? ` to ${email}` : ''}, got ${current().length}`));
        }, timeoutMs);
        const check = () => {
          if (current().length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(current());
        };
        waiters.add(check);
      });
    },
    clear() {
      messages.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
