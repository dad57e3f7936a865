import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { MAX_INBOUND_MAIL_BYTES, type InboundMailResult } from './inbound';

/**
 * Tandem's SMTP listener for inbound iMIP (IMIP_REPLY_ADDRESS's domain points its MX here, or
 * the demo's mail exchange relays to it). No AUTH and no STARTTLS: it listens on loopback unless
 * INBOUND_SMTP_HOST says otherwise, behind an MX that terminates TLS in production.
 */
export interface InboundSmtpOptions {
  port: number;
  host: string;
  /** Only recipients at this domain are accepted (the domain of IMIP_REPLY_ADDRESS). */
  acceptDomain: string;
  onMessage(raw: Buffer, envelope: { from: string | null; to: string[] }): Promise<InboundMailResult>;
  /** Called with what went wrong when a message could not be handled (the sender was told 451). */
  onError?(error: unknown): void;
}

export interface InboundSmtpServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** SMTP wants one short line: no CR/LF from the detail text, and no endless reasons. */
function replyLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(replyLine(message)), { responseCode: code });
}

/** Reads the message, keeping no more than the size limit in memory (the rest is drained and dropped). */
function readStream(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    stream.on('data', (chunk: Buffer) => {
      if (kept > MAX_INBOUND_MAIL_BYTES) return;
      kept += chunk.byteLength;
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Maps what receiveInboundMail decided to the SMTP answer: refusals are 5xx with their reason. */
function answer(result: InboundMailResult): Error | null {
  if (result.outcome === 'refused') return smtpError(550, `5.6.0 Not accepted: ${result.detail}`);
  if (result.outcome === 'in_progress')
    return smtpError(451, '4.3.0 This message is being handled; try again later');
  return null;
}

export async function startInboundSmtpServer(options: InboundSmtpOptions): Promise<InboundSmtpServer> {
  const domain = options.acceptDomain.toLowerCase();
  const server = new SMTPServer({
    name: domain,
    banner: 'Tandem inbound iMIP',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_INBOUND_MAIL_BYTES,
    maxClients: 50,
    logger: false,
    onRcptTo(address, _session, callback) {
      const at = address.address.lastIndexOf('@');
      const recipientDomain = at === -1 ? '' : address.address.slice(at + 1).toLowerCase();
      if (recipientDomain !== domain)
        return callback(smtpError(550, `5.1.1 This server only accepts mail for ${domain}`));
      callback();
    },
    onData(stream, session, callback) {
      readStream(stream)
        .then(async (raw) => {
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          };
          const tooLarge = smtpError(552, `5.3.4 Message larger than ${MAX_INBOUND_MAIL_BYTES} bytes`);
          const oversized = stream.sizeExceeded || raw.byteLength > MAX_INBOUND_MAIL_BYTES;
          // A cut message is handed over only when it still reads as too large, so its refusal is recorded.
          if (oversized && raw.byteLength <= MAX_INBOUND_MAIL_BYTES) return callback(tooLarge);
          const result = await options.onMessage(raw, envelope);
          if (oversized) return callback(tooLarge);
          const error = answer(result);
          return error ? callback(error) : callback();
        })
        .catch((error: unknown) => {
          options.onError?.(error);
          callback(smtpError(451, '4.3.0 The reply could not be applied now; try again later'));
        });
    },
  });
  server.on('error', (error) => options.onError?.(error));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://${options.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
