import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FixedWindowRateLimiter } from '@/server/security/rate-limit';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { nodemailerMessage, replyIcs } from '@/tests/support/imip-messages';
import { MAX_INBOUND_MAIL_BYTES, type InboundItipMessage } from './inbound';
import { receiveInboundEmailRequest, type InboundWebhookDeps } from './inbound-webhook';

vi.mock('server-only', () => ({}));
// The route reaches the app through the composition root; here it is the test's.
const routeDeps = vi.hoisted(() => ({ current: null as unknown }));
vi.mock('@/server/app-deps', () => ({ appDeps: async () => routeDeps.current }));

const SECRET = 'inbound-secret-0123456789abcdef0123456789';
let database: TestDatabase;
const calls: InboundItipMessage[] = [];

function deps(overrides: Partial<InboundWebhookDeps> = {}): InboundWebhookDeps {
  return {
    db: database.db,
    now: () => new Date(),
    inboundEmailSecret: SECRET,
    handleInboundItip: async (message) => {
      calls.push(message);
      return { outcome: 'applied', detail: 'answer recorded' };
    },
    ...overrides,
  };
}

function post(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request('http://tandem.test/api/inbound/email', {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'message/rfc822', ...headers },
    body,
    // Node's Request needs this for a streamed body.
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

beforeAll(async () => {
  database = await useTestDatabase();
});

describe('POST /api/inbound/email', () => {
  it('accepts a raw iMIP REPLY with the right bearer (202) and applies it once', async () => {
    routeDeps.current = deps();
    const { POST } = await import('@/app/api/inbound/email/route');
    const raw = await nodemailerMessage({
      method: 'REPLY',
      ics: replyIcs(),
      messageId: '<hook-1@gmail.test>',
    });
    calls.length = 0;
    const response = await POST(post(new Uint8Array(raw)));
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ outcome: 'applied', duplicate: false });
    expect(calls.map((call) => [call.method, call.from, call.to])).toEqual([
      ['REPLY', 'sam.taylor@gmail.test', ['meetings@replies.tandem.test']],
    ]);
    const replay = await POST(post(new Uint8Array(raw)));
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(calls).toHaveLength(1);
  });

  it('is closed (404) when INBOUND_EMAIL_SECRET is not set', async () => {
    const response = await receiveInboundEmailRequest(deps({ inboundEmailSecret: null }), post('x'));
    expect(response.status).toBe(404);
  });

  it.each([
    ['a wrong secret', { authorization: 'Bearer not-the-secret' }],
    ['no Authorization header', { authorization: '' }],
    ['the secret without Bearer', { authorization: SECRET }],
  ])('refuses %s with 401 and applies nothing', async (_name, headers) => {
    calls.length = 0;
    const raw = await nodemailerMessage({
      method: 'REPLY',
      ics: replyIcs(),
      messageId: '<hook-401@gmail.test>',
    });
    const response = await receiveInboundEmailRequest(deps(), post(new Uint8Array(raw), headers));
    expect(response.status).toBe(401);
    expect(calls).toHaveLength(0);
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const big = new Uint8Array(MAX_INBOUND_MAIL_BYTES + 1);
    expect((await receiveInboundEmailRequest(deps(), post(big))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i += 1) controller.enqueue(new Uint8Array(64 * 1024));
        controller.close();
      },
    });
    expect((await receiveInboundEmailRequest(deps(), post(stream))).status).toBe(413);
  });

  it('answers a message it cannot use with 422 and the plain reason', async () => {
    const response = await receiveInboundEmailRequest(
      deps(),
      post('From: a@b.test\r\nMessage-ID: <hook-plain@b.test>\r\nContent-Type: text/plain\r\n\r\nThanks!'),
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      outcome: 'refused',
      detail: 'the message has no calendar part',
    });
  });

  it('wants raw MIME (415 otherwise)', async () => {
    const response = await receiveInboundEmailRequest(
      deps(),
      post('{}', { 'content-type': 'application/json' }),
    );
    expect(response.status).toBe(415);
  });

  it('says 503 when no iMIP handler is wired, and when the handler fails', async () => {
    const unwired = await receiveInboundEmailRequest(deps({ handleInboundItip: undefined }), post('x'));
    expect(unwired.status).toBe(503);
    const raw = await nodemailerMessage({
      method: 'REPLY',
      ics: replyIcs(),
      messageId: '<hook-503@gmail.test>',
    });
    const failing = await receiveInboundEmailRequest(
      deps({
        handleInboundItip: async () => {
          throw new Error('database went away');
        },
      }),
      post(new Uint8Array(raw)),
    );
    expect(failing.status).toBe(503);
  });

  it('slows a flood from one address (429) before checking anything', async () => {
    const limiter = new FixedWindowRateLimiter({ limit: 2, windowMs: 60_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push(
        (await receiveInboundEmailRequest(deps(), post('x', { authorization: 'Bearer wrong' }), limiter))
          .status,
      );
    expect(statuses).toEqual([401, 401, 429]);
  });
});
