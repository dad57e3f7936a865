import { createServer, type AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from '@/tests/support/mail-sink';
import { MAIL_WORLD_PORTS, mailWorldRoutes } from './mail-world';
import { routeRecipients, startMailExchange, type MailExchange } from './server';

let google: MailSink;
let microsoft: MailSink;
let inbox: MailSink;
let exchange: MailExchange;

beforeAll(async () => {
  [google, microsoft, inbox] = await Promise.all([startMailSink(), startMailSink(), startMailSink()]);
  exchange = await startMailExchange({
    port: 0,
    routes: [
      { domain: 'gmail.test', smtpUrl: google.url },
      { domain: 'Outlook.test', smtpUrl: microsoft.url },
      { domain: 'brightworks.test', smtpUrl: microsoft.url },
    ],
    fallbackSmtpUrl: inbox.url,
  });
});
afterAll(async () => {
  await exchange.close();
  await Promise.all([google.close(), microsoft.close(), inbox.close()]);
});

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const message = [
  'From: Priya Shah <priya.shah@northbridge-college.test>',
  'To: sam.taylor@gmail.test, aisha.khan@outlook.test',
  'Message-ID: <exchange-1@northbridge-college.test>',
  'Subject: Invitation: Check-in',
  'Content-Type: text/calendar; method=REQUEST; charset=UTF-8',
  '',
  'BEGIN:VCALENDAR',
  'METHOD:REQUEST',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('the mail exchange', () => {
  it('delivers each recipient to the server hosting its domain, the message unchanged', async () => {
    const transport = nodemailer.createTransport(exchange.url);
    await transport.sendMail({
      envelope: {
        from: 'priya.shah@northbridge-college.test',
        to: [
          'sam.taylor@gmail.test',
          'AISHA.KHAN@OUTLOOK.TEST',
          'morgan.lee@brightworks.test',
          'leo.martin@northbridge.test',
        ],
      },
      raw: message,
    });
    const [atGoogle] = await google.waitFor(1, 'sam.taylor@gmail.test');
    const [atMicrosoft] = await microsoft.waitFor(1, 'aisha.khan@outlook.test');
    const [atInbox] = await inbox.waitFor(1, 'leo.martin@northbridge.test');
    expect(atGoogle?.recipients).toEqual(['sam.taylor@gmail.test']);
    // One delivery per destination, with all its recipients in the envelope.
    expect(atMicrosoft?.recipients).toEqual(['aisha.khan@outlook.test', 'morgan.lee@brightworks.test']);
    expect(atInbox?.recipients).toEqual(['leo.martin@northbridge.test']);
    for (const received of [atGoogle, atMicrosoft, atInbox]) {
      expect(received?.from).toBe('priya.shah@northbridge-college.test');
      expect(received?.raw.toString()).toBe(message);
    }
  });

  it('tells the sender to retry (451) when a destination is down', async () => {
    const down = await startMailExchange({
      port: 0,
      routes: [{ domain: 'gmail.test', smtpUrl: `smtp://127.0.0.1:${await closedPort()}` }],
      fallbackSmtpUrl: inbox.url,
    });
    try {
      const transport = nodemailer.createTransport(down.url);
      await expect(
        transport.sendMail({
          envelope: { from: 'a@northbridge.test', to: ['sam.taylor@gmail.test'] },
          raw: message,
        }),
      ).rejects.toMatchObject({
        responseCode: 451,
        response: expect.stringContaining('gmail.test is not answering'),
      });
    } finally {
      await down.close();
    }
  });

  it('routes the demo mail world as mail-world.md says', () => {
    const routes = mailWorldRoutes({
      googleSmtp: 4525,
      microsoftSmtp: 4526,
      ewsSmtp: 4528,
      tandemInbound: 4527,
      replyDomain: 'replies.tandem.test',
    });
    const groups = routeRecipients(
      [
        'sam.taylor@gmail.test',
        'alex.morgan@northbridge-college.test',
        'aisha.khan@outlook.test',
        'morgan.lee@brightworks.test',
        'meetings@replies.tandem.test',
        'jordan.ellis@northbridge-onprem.test',
        'tutor1@northbridge.test',
      ],
      routes,
      `smtp://127.0.0.1:${MAIL_WORLD_PORTS.inboxSmtp}`,
    );
    expect(Object.fromEntries(groups)).toEqual({
      'smtp://127.0.0.1:4525': ['sam.taylor@gmail.test'],
      'smtp://127.0.0.1:4526': [
        'alex.morgan@northbridge-college.test',
        'aisha.khan@outlook.test',
        'morgan.lee@brightworks.test',
      ],
      'smtp://127.0.0.1:4527': ['meetings@replies.tandem.test'],
      'smtp://127.0.0.1:4528': ['jordan.ellis@northbridge-onprem.test'],
      'smtp://127.0.0.1:1025': ['tutor1@northbridge.test'],
    });
  });
});
