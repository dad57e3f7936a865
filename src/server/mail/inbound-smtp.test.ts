import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { replyIcs } from '@/tests/support/imip-messages';
import {
  MAX_INBOUND_MAIL_BYTES,
  receiveInboundMail,
  type InboundItipHandler,
  type InboundItipMessage,
} from './inbound';
import { startInboundSmtpServer, type InboundSmtpServer } from './inbound-smtp';

let database: TestDatabase;
let server: InboundSmtpServer;
const calls: InboundItipMessage[] = [];
let handler: InboundItipHandler;
const errors: unknown[] = [];

beforeAll(async () => {
  database = await useTestDatabase();
  server = await startInboundSmtpServer({
    port: 0,
    host: '127.0.0.1',
    acceptDomain: 'replies.tandem.test',
    onMessage: (raw, envelope) =>
      receiveInboundMail({ db: database.db, now: () => new Date() }, raw, envelope, (message) =>
        handler(message),
      ),
    onError: (error) => errors.push(error),
  });
});
afterAll(() => server.close());

function send(options: { to?: string; messageId: string; method?: string; text?: string }) {
  const transport = nodemailer.createTransport(server.url);
  return transport.sendMail({
    from: 'Sam Taylor <sam.taylor@gmail.test>',
    to: options.to ?? 'meetings@replies.tandem.test',
    subject: 'Declined: Check-in',
    text: options.text ?? 'Declined.',
    messageId: options.messageId,
    icalEvent: { method: options.method ?? 'REPLY', content: replyIcs(options.method ?? 'REPLY') },
  });
}

describe('the inbound SMTP listener', () => {
  it('receives a real iMIP REPLY over SMTP and hands it to the handler with its envelope', async () => {
    calls.length = 0;
    handler = async (message) => {
      calls.push(message);
      return { outcome: 'applied', detail: 'answer recorded' };
    };
    const info = await send({ messageId: '<smtp-1@gmail.test>' });
    expect(info.accepted).toEqual(['meetings@replies.tandem.test']);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'REPLY',
      from: 'sam.taylor@gmail.test',
      to: ['meetings@replies.tandem.test'],
      messageId: '<smtp-1@gmail.test>',
    });
    // Sent again (a retry): accepted, not applied twice.
    await send({ messageId: '<smtp-1@gmail.test>' });
    expect(calls).toHaveLength(1);
  });

  it('refuses recipients outside the reply domain with 550 before the message is sent', async () => {
    calls.length = 0;
    await expect(send({ to: 'someone@gmail.test', messageId: '<smtp-2@gmail.test>' })).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringContaining('only accepts mail for replies.tandem.test'),
    });
    expect(calls).toHaveLength(0);
  });

  it('answers a refused message with 550 and the plain reason', async () => {
    handler = async () => ({ outcome: 'refused', detail: 'no meeting has this UID' });
    await expect(send({ messageId: '<smtp-3@gmail.test>' })).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringContaining('Not accepted: no meeting has this UID'),
    });
  });

  it('refuses a message over the size limit with 552', async () => {
    calls.length = 0;
    handler = async (message) => {
      calls.push(message);
      return { outcome: 'applied', detail: 'answer recorded' };
    };
    await expect(
      send({ messageId: '<smtp-huge@gmail.test>', text: 'x'.repeat(MAX_INBOUND_MAIL_BYTES + 10) }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(calls).toHaveLength(0);
  });

  it('asks the sender to retry (451) when the handler fails, and applies the retry', async () => {
    errors.length = 0;
    handler = async () => {
      throw new Error('database went away');
    };
    await expect(send({ messageId: '<smtp-flaky@gmail.test>' })).rejects.toMatchObject({ responseCode: 451 });
    expect(errors).toHaveLength(1);
    calls.length = 0;
    handler = async (message) => {
      calls.push(message);
      return { outcome: 'applied', detail: 'answer recorded' };
    };
    await send({ messageId: '<smtp-flaky@gmail.test>' });
    expect(calls).toHaveLength(1);
  });
});
