/**
 * The mail exchange of the demo and tests (mail-world.md): one SMTP relay on loopback that hands
 * each recipient to the SMTP server hosting its domain — the Google emulator for gmail.test, the
 * Microsoft emulator for its domains, Tandem for the reply domain — and everything else to the
 * inbox (maildev in the demo). Messages go on unchanged, byte for byte; only the envelope is
 * split per destination. It plays the part the Internet's MX records play between real providers.
 */
import type { AddressInfo } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

export interface MailRoute {
  /** A recipient domain, e.g. `gmail.test` (exact, case-insensitive). */
  domain: string;
  /** Where that domain's mail is delivered, e.g. `smtp://127.0.0.1:4525`. */
  smtpUrl: string;
}

export interface MailExchangeOptions {
  port: number;
  host?: string;
  routes: MailRoute[];
  /** Every other domain: the inbox. */
  fallbackSmtpUrl: string;
  /** Largest message relayed (default 10 MB). */
  maxBytes?: number;
  log?: (line: string) => void;
}

export interface RelayedMessage {
  from: string | null;
  smtpUrl: string;
  recipients: string[];
}

export interface MailExchange {
  url: string;
  port: number;
  /** Every delivery made, per destination, in order (tests read it). */
  relayed: RelayedMessage[];
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Recipients grouped by the SMTP server that takes them, in the order they were given. */
export function routeRecipients(
  recipients: string[],
  routes: MailRoute[],
  fallbackSmtpUrl: string,
): Map<string, string[]> {
  const byDomain = new Map(routes.map((route) => [route.domain.toLowerCase(), route.smtpUrl]));
  const groups = new Map<string, string[]>();
  for (const recipient of recipients) {
    const url = byDomain.get(domainOf(recipient)) ?? fallbackSmtpUrl;
    groups.set(url, [...(groups.get(url) ?? []), recipient]);
  }
  return groups;
}

export async function startMailExchange(options: MailExchangeOptions): Promise<MailExchange> {
  const host = options.host ?? '127.0.0.1';
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const log = options.log ?? (() => undefined);
  const transports = new Map<string, Transporter>();
  const transportFor = (url: string) => {
    let transport = transports.get(url);
    if (!transport) {
      transport = nodemailer.createTransport(url);
      transports.set(url, transport);
    }
    return transport;
  };
  const relayed: RelayedMessage[] = [];

  const server = new SMTPServer({
    name: 'mail-exchange.test',
    banner: 'Tandem demo mail exchange',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    logger: false,
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (raw) => {
          if (stream.sizeExceeded)
            return callback(smtpError(552, `5.3.4 Message larger than ${maxBytes} bytes`));
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
          const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
          const groups = routeRecipients(recipients, options.routes, options.fallbackSmtpUrl);
          // All or nothing for the sender: a destination that is down turns the whole message
          // into a 451, and the sender's retry may deliver twice to the others. Receivers apply
          // iMIP by UID and SEQUENCE and Tandem dedupes by Message-ID, so a repeat changes nothing.
          for (const [smtpUrl, to] of groups) {
            try {
              await transportFor(smtpUrl).sendMail({ envelope: { from: from ?? '', to }, raw });
            } catch (error) {
              log(`[mail-exchange] ${to.join(', ')} via ${smtpUrl} failed: ${String(error)}`);
              return callback(
                smtpError(
                  451,
                  `4.4.1 The server for ${to.map(domainOf).join(', ')} is not answering; try again later`,
                ),
              );
            }
            relayed.push({ from, smtpUrl, recipients: to });
            log(`[mail-exchange] ${from ?? '<>'} → ${to.join(', ')} via ${smtpUrl}`);
          }
          return callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  server.on('error', (error) => log(`[mail-exchange] ${String(error)}`));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${host}:${port}`,
    port,
    relayed,
    async close() {
      for (const transport of transports.values()) transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
