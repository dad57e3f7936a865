/**
 * Test support: a loopback "app" for both emulators' push. Google channel notifications (headers
 * only) and Graph subscription notifications (a JSON body, after the validation handshake) reach
 * the real webhook services, as the /api/webhooks routes hand them over. Every notification is
 * kept, so a test can deliver one again (duplicated) or an older one after a newer (out of order).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  receiveGoogleNotification,
  receiveGraphNotifications,
  type WebhookDeps,
} from '@/server/sync/webhooks';

export type ReceivedPush =
  | { provider: 'google'; headers: Headers; outcome: string }
  | { provider: 'microsoft'; body: unknown; outcome: string };

export interface PushLoopback {
  url: string;
  received: ReceivedPush[];
  /** Hands a kept notification to the webhook service again; returns what it answered. */
  redeliver(push: ReceivedPush): Promise<string>;
  close(): Promise<void>;
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming))
    if (typeof value === 'string') headers.set(name, value);
  return headers;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startPushLoopback(deps: WebhookDeps): Promise<PushLoopback> {
  const received: ReceivedPush[] = [];
  const deliver = async (
    push: { provider: 'google'; headers: Headers } | { provider: 'microsoft'; body: unknown },
  ) =>
    push.provider === 'google'
      ? await receiveGoogleNotification(deps, push.headers)
      : JSON.stringify(await receiveGraphNotifications(deps, push.body));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const validation = url.searchParams.get('validationToken');
    if (validation !== null) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(validation);
      return;
    }
    const microsoft = url.pathname.endsWith('/microsoft');
    const push = microsoft
      ? readBody(req).then((body) => ({ provider: 'microsoft' as const, body: JSON.parse(body) as unknown }))
      : Promise.resolve({ provider: 'google' as const, headers: toHeaders(req.headers) });
    push
      .then(async (notification) => {
        const outcome = await deliver(notification);
        received.push({ ...notification, outcome });
      })
      .then(
        () => res.writeHead(microsoft ? 202 : 200).end(),
        () => res.writeHead(503).end(),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    redeliver: (push) => deliver(push),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
