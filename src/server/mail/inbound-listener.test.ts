import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailWorldRoutes } from '@/emulators/mail-exchange/mail-world';
import { startMailExchange, type MailExchange } from '@/emulators/mail-exchange/server';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { replyIcs } from '@/tests/support/imip-messages';
import type { InboundItipMessage } from './inbound';
import { startInboundMailListener } from './inbound-listener';
import type { InboundSmtpServer } from './inbound-smtp';

let database: TestDatabase;
const calls: InboundItipMessage[] = [];
const settings = { INBOUND_SMTP_HOST: '127.0.0.1', IMIP_REPLY_ADDRESS: 'meetings@replies.tandem.test' };
const deps = () => ({
  db: database.db,
  now: () => new Date(),
  handleInboundItip: async (message: InboundItipMessage) => {
    calls.push(message);
    return { outcome: 'applied' as const, detail: 'answer recorded' };
  },
});
let listener: InboundSmtpServer | null = null;
let exchange: MailExchange | null = null;

beforeAll(async () => {
  database = await useTestDatabase();
});
afterAll(async () => {
  await exchange?.close();
  await listener?.close();
});

describe('the inbound listener at start-up', () => {
  it('starts nothing without INBOUND_SMTP_PORT, nor without an iMIP handler to apply replies', async () => {
    expect(await startInboundMailListener(deps(), { ...settings, INBOUND_SMTP_PORT: undefined })).toBeNull();
    const unwired = { ...deps(), handleInboundItip: undefined };
    expect(await startInboundMailListener(unwired, { ...settings, INBOUND_SMTP_PORT: 1 })).toBeNull();
  });

  it('takes a reply the mail exchange routes to the reply domain', async () => {
    // A free port for the listener: the exchange's route must name it before either starts.
    const probe = await startMailExchange({ port: 0, routes: [], fallbackSmtpUrl: 'smtp://127.0.0.1:1' });
    const port = probe.port;
    await probe.close();
    listener = await startInboundMailListener(deps(), { ...settings, INBOUND_SMTP_PORT: port });
    expect(listener?.port).toBe(port);
    exchange = await startMailExchange({
      port: 0,
      routes: mailWorldRoutes({
        googleSmtp: 1,
        microsoftSmtp: 1,
        tandemInbound: port,
        replyDomain: 'replies.tandem.test',
      }),
      fallbackSmtpUrl: 'smtp://127.0.0.1:1',
    });
    await nodemailer.createTransport(exchange.url).sendMail({
      from: 'sam.taylor@gmail.test',
      to: 'meetings@replies.tandem.test',
      subject: 'Accepted: Check-in',
      text: 'Accepted.',
      messageId: '<through-exchange@gmail.test>',
      icalEvent: { method: 'REPLY', content: replyIcs() },
    });
    expect(calls.map((call) => [call.method, call.messageId])).toEqual([
      ['REPLY', '<through-exchange@gmail.test>'],
    ]);
  });
});
