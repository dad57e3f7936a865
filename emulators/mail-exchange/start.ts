/**
 * Starts the mail exchange on its own (the demo and the e2e run do): MAIL_EXCHANGE_PORT (4524)
 * relays to GOOGLE_EMULATOR_SMTP_PORT (4525), MICROSOFT_EMULATOR_SMTP_PORT (4526), Tandem's
 * INBOUND_SMTP_PORT (4527) for IMIP_REPLY_ADDRESS's domain, and MAIL_INBOX_SMTP_PORT (maildev,
 * 1025) for everything else. MAIL_EXCHANGE_LOG=1 prints each delivery.
 */
import { MAIL_WORLD_PORTS, mailWorldRoutes } from './mail-world';
import { startMailExchange } from './server';

const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] || fallback);
const host = env['MAIL_EXCHANGE_HOST'] || '127.0.0.1';
const replyAddress = env['IMIP_REPLY_ADDRESS'] || 'meetings@replies.tandem.test';

const exchange = await startMailExchange({
  port: port('MAIL_EXCHANGE_PORT', MAIL_WORLD_PORTS.exchange),
  host,
  routes: mailWorldRoutes({
    googleSmtp: port('GOOGLE_EMULATOR_SMTP_PORT', MAIL_WORLD_PORTS.googleSmtp),
    microsoftSmtp: port('MICROSOFT_EMULATOR_SMTP_PORT', MAIL_WORLD_PORTS.microsoftSmtp),
    tandemInbound: port('INBOUND_SMTP_PORT', MAIL_WORLD_PORTS.tandemInbound),
    replyDomain: replyAddress.slice(replyAddress.lastIndexOf('@') + 1),
  }),
  fallbackSmtpUrl: `smtp://127.0.0.1:${port('MAIL_INBOX_SMTP_PORT', MAIL_WORLD_PORTS.inboxSmtp)}`,
  log: env['MAIL_EXCHANGE_LOG'] === '1' ? (line) => console.log(line) : undefined,
});
console.log(`Mail exchange listening on ${exchange.url}`);

const stop = () => void exchange.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
