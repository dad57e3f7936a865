/**
 * `npm run demo`: one command from a clean clone to a working Tandem on http://127.0.0.1:3000 (loopback only).
 * Migrates and seeds the embedded database, starts the provider emulators, the mail world (a
 * maildev inbox with its web page on http://127.0.0.1:1080, and the mail exchange that routes
 * each address to the emulator, Tandem or the inbox hosting it: mail-world.md) and the app, and
 * stops them all together. Not for production (the app refuses demo mode there).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateKeySpec, parseKeyRing } from '../src/server/crypto/secrets';
import { openDatabase } from '../src/server/db/client';
import { migrateDatabase } from '../src/server/db/migrate';
import { NORTHBRIDGE_ACCOUNTS, RIVERSIDE_ACCOUNTS } from '../src/server/demo/accounts';
import { ensureDemoEnterpriseConnections } from '../src/server/demo/enterprise';
import { seedDemoData } from '../src/server/demo/seed';
import { MAIL_WORLD_PORTS } from '../emulators/mail-exchange/mail-world';
import { databaseLocation } from './database-location';
import { connectDemoCalendars, registerDemoWorkspace, waitUntilAnswering } from './demo-calendars';

const port = process.env.PORT ?? '3000';
// The Microsoft emulator's registered app (emulators/microsoft/), for members and enterprise access alike.
const MICROSOFT_DEMO_APP = {
  clientId: '00000000-0000-4000-8000-00000000a11e',
  clientSecret: 'tandem-dev-secret',
};
const children: ChildProcess[] = [];

/** A secret made once and kept beside the embedded database, so a restart keeps sessions and tokens readable. */
async function localSecret(name: string, make: () => string): Promise<string> {
  const file = path.join('.data', name);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir('.data', { recursive: true });
  const secret = make();
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[demo] ${name} stopped (${signal ?? `exit ${code}`}); stopping the demo.`);
    void stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const authSecret =
  process.env.AUTH_SECRET ?? (await localSecret('auth-secret', () => randomBytes(32).toString('base64')));
const encryptionKeys =
  process.env.TANDEM_ENCRYPTION_KEYS ?? (await localSecret('encryption-keys', () => generateKeySpec('demo')));

const handle = await openDatabase(databaseLocation());
await migrateDatabase(handle);
const { created } = await seedDemoData(handle.db, new Date());
const { workspace } = await ensureDemoEnterpriseConnections(
  handle.db,
  parseKeyRing(encryptionKeys),
  () => new Date(),
  MICROSOFT_DEMO_APP,
);
// PGlite allows one process per data folder: release it before the app opens it.
await handle.close();
console.log(
  created.length > 0 ? `[demo] Seeded ${created.join(' and ')}.` : '[demo] Demo data already present.',
);

const env: NodeJS.ProcessEnv = {
  // The emulators stand in for Google and Microsoft; their demo OAuth clients are in emulators/.
  GOOGLE_CLIENT_ID: 'tandem-demo.apps.googleusercontent.com',
  GOOGLE_CLIENT_SECRET: 'tandem-demo-secret',
  GOOGLE_BASE_URL: 'http://127.0.0.1:4501',
  MICROSOFT_CLIENT_ID: MICROSOFT_DEMO_APP.clientId,
  MICROSOFT_CLIENT_SECRET: MICROSOFT_DEMO_APP.clientSecret,
  MICROSOFT_GRAPH_BASE_URL: 'https://127.0.0.1:4502',
  // Sign-in over plain HTTP on loopback: the browser opens it without a certificate warning.
  MICROSOFT_AUTHORITY_BASE_URL: 'http://127.0.0.1:4503',
  APP_URL: `http://127.0.0.1:${port}`,
  TANDEM_JOBS: 'inline',
  NEXT_TELEMETRY_DISABLED: '1',
  // The mail world: Tandem sends through the exchange and receives iMIP replies on its listener;
  // the emulators send iMIP for addresses they do not host through the exchange too.
  SMTP_URL: `smtp://127.0.0.1:${MAIL_WORLD_PORTS.exchange}`,
  INBOUND_SMTP_PORT: String(MAIL_WORLD_PORTS.tandemInbound),
  EMULATOR_SMTP_RELAY_URL: `smtp://127.0.0.1:${MAIL_WORLD_PORTS.exchange}`,
  GOOGLE_EMULATOR_SMTP_PORT: String(MAIL_WORLD_PORTS.googleSmtp),
  MICROSOFT_EMULATOR_SMTP_PORT: String(MAIL_WORLD_PORTS.microsoftSmtp),
  EWS_EMULATOR_SMTP_PORT: String(MAIL_WORLD_PORTS.ewsSmtp),
  MAIL_EXCHANGE_PORT: String(MAIL_WORLD_PORTS.exchange),
  MAIL_INBOX_SMTP_PORT: String(MAIL_WORLD_PORTS.inboxSmtp),
  MAIL_INBOX_WEB_PORT: String(MAIL_WORLD_PORTS.inboxWeb),
  ...process.env,
  AUTH_SECRET: authSecret,
  TANDEM_ENCRYPTION_KEYS: encryptionKeys,
  TANDEM_DEMO: '1',
  NODE_EXTRA_CA_CERTS: path.resolve('emulators/microsoft/certs/emulator-cert.pem'),
  PORT: port,
};
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
// The mail exchange and the maildev inbox (loopback only), in one process.
start('mail', npx, ['tsx', 'emulators/mail-exchange/start.ts'], env);
if (existsSync('emulators/start.ts')) start('emulators', npx, ['tsx', 'emulators/start.ts'], env);
// Loopback only: the demo has known passwords and lets CalDAV reach loopback servers.
start('app', npx, ['next', 'dev', '--port', port, '--hostname', '127.0.0.1'], env);
console.log(
  `[demo] Tandem is starting on http://127.0.0.1:${port} — sign in as tutor1@northbridge.test / tandem-demo.`,
);
console.log(
  `[demo] Email (invitations, notifications, sign-in mail to addresses no emulator hosts) lands in the inbox at http://127.0.0.1:${env.MAIL_INBOX_WEB_PORT ?? MAIL_WORLD_PORTS.inboxWeb}.`,
);

/**
 * The set-up a person would otherwise do first, repeated on every start because the emulators
 * forget their grants: Riverside's Workspace in the Google emulator, then everyone's calendar.
 */
async function connectTheDemoWorld(): Promise<void> {
  const appUrl = env.APP_URL ?? `http://127.0.0.1:${port}`;
  const log = (line: string) => console.log(`[demo] ${line}`);
  if (workspace && env.GOOGLE_BASE_URL) {
    await waitUntilAnswering(`${env.GOOGLE_BASE_URL}/__control/google/accounts`);
    await registerDemoWorkspace(env.GOOGLE_BASE_URL, workspace);
    log(`Google Workspace ${workspace.domain}: service account and domain-wide delegation registered.`);
  }
  if (env.MICROSOFT_AUTHORITY_BASE_URL) await waitUntilAnswering(env.MICROSOFT_AUTHORITY_BASE_URL);
  // `next dev` compiles a route on its first visit. The webhooks first: Graph gives up on a
  // subscription whose validation request is not answered within 10 s, and the first import with it.
  for (const route of ['/api/auth/csrf', '/api/webhooks/microsoft', '/api/webhooks/google'])
    await waitUntilAnswering(`${appUrl}${route}`);
  const started = Date.now();
  const { connected, failed } = await connectDemoCalendars(
    appUrl,
    [...NORTHBRIDGE_ACCOUNTS, ...RIVERSIDE_ACCOUNTS],
    log,
  );
  log(
    `${connected} demo calendars connected in ${((Date.now() - started) / 1000).toFixed(1)} s${failed > 0 ? `, ${failed} failed (see above)` : ''}; their events sync in the background.`,
  );
}
connectTheDemoWorld().catch((error: unknown) => {
  console.error('[demo] Could not connect the demo calendars:', error);
});
