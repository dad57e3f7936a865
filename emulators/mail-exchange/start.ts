/**
 * The demo's and the e2e run's mail world in one process (mail-world.md): the mail exchange on
 * MAIL_EXCHANGE_PORT (4524) relaying to GOOGLE_EMULATOR_SMTP_PORT (4525),
 * MICROSOFT_EMULATOR_SMTP_PORT (4526), EWS_EMULATOR_SMTP_PORT (4528, Exchange Server's domain),
 * Tandem's INBOUND_SMTP_PORT (4527) for IMIP_REPLY_ADDRESS's domain, and the inbox for everything else: maildev, SMTP on MAIL_INBOX_SMTP_PORT (1025), its
 * web page and REST API (/api/email) on MAIL_INBOX_WEB_PORT (1080), both on loopback only.
 * MAIL_EXCHANGE_LOG=1 prints each delivery. Ctrl-C stops both.
 */
import { MailDev } from 'maildev';
import { MAIL_WORLD_PORTS, mailWorldRoutes } from './mail-world';
import { startMailExchange } from './server';

const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] || fallback);
const replyAddress = env['IMIP_REPLY_ADDRESS'] || 'meetings@replies.tandem.test';
const inboxSmtpPort = port('MAIL_INBOX_SMTP_PORT', MAIL_WORLD_PORTS.inboxSmtp);
const inboxWebPort = port('MAIL_INBOX_WEB_PORT', MAIL_WORLD_PORTS.inboxWeb);

const exchange = await startMailExchange({
  port: port('MAIL_EXCHANGE_PORT', MAIL_WORLD_PORTS.exchange),
  routes: mailWorldRoutes({
    googleSmtp: port('GOOGLE_EMULATOR_SMTP_PORT', MAIL_WORLD_PORTS.googleSmtp),
    microsoftSmtp: port('MICROSOFT_EMULATOR_SMTP_PORT', MAIL_WORLD_PORTS.microsoftSmtp),
    ewsSmtp: port('EWS_EMULATOR_SMTP_PORT', MAIL_WORLD_PORTS.ewsSmtp),
    tandemInbound: port('INBOUND_SMTP_PORT', MAIL_WORLD_PORTS.tandemInbound),
    replyDomain: replyAddress.slice(replyAddress.lastIndexOf('@') + 1),
  }),
  fallbackSmtpUrl: `smtp://127.0.0.1:${inboxSmtpPort}`,
  log: env['MAIL_EXCHANGE_LOG'] === '1' ? (line) => console.log(line) : undefined,
});
console.log(`Mail exchange listening on ${exchange.url}`);

// maildev binds every interface by default: loopback only here (the demo has known passwords).
// Started last: its web page answering means the whole mail world is up (the e2e run waits on it).
const inbox = new MailDev({
  smtp: inboxSmtpPort,
  ip: '127.0.0.1',
  web: inboxWebPort,
  webIp: '127.0.0.1',
  silent: true,
});
await inbox.start();
console.log(`Mail inbox (maildev): http://127.0.0.1:${inboxWebPort} (SMTP on 127.0.0.1:${inboxSmtpPort})`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void Promise.allSettled([exchange.close(), inbox.stop()]).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
