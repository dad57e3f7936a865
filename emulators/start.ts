/**
 * `npm run emulators`: the Google Calendar emulator on http://127.0.0.1:4501 and, when its module
 * is present, the Microsoft Graph emulator on https://127.0.0.1:4502, its sign-in pages also on
 * http://127.0.0.1:4503 (a browser opens them without a certificate warning). Both are seeded with
 * the demo tenant (Northbridge Training) relative to today. Ports and host can be overridden with
 * GOOGLE_EMULATOR_PORT, MICROSOFT_EMULATOR_PORT, MICROSOFT_AUTHORITY_PORT and EMULATOR_HOST.
 * Each emulator also receives iMIP email for the accounts it hosts on loopback SMTP
 * (GOOGLE_EMULATOR_SMTP_PORT, default 4525; MICROSOFT_EMULATOR_SMTP_PORT, default 4526) and sends
 * iMIP to everyone else through EMULATOR_SMTP_RELAY_URL (e.g. smtp://127.0.0.1:4524, the mail
 * exchange); without it, outgoing invitations are only recorded in the emulators' outboxes.
 * The Exchange Server (EWS) emulator answers SOAP on https://127.0.0.1:4510/EWS/Exchange.asmx
 * (EWS_EMULATOR_PORT), Basic authentication, every seeded mailbox with the password `exchange-demo`,
 * and receives iMIP for its mailboxes on EWS_EMULATOR_SMTP_PORT (default 4528); besides the seeded
 * accounts it hosts one on-premises-only mailbox, jordan.ellis@northbridge-onprem.test, whose
 * domain the mail exchange routes to it.
 * Ctrl-C stops them all.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startGoogleEmulator } from './google/server';
import { startEwsEmulator } from './ews/server';

interface Running {
  name: string;
  url: string;
  close(): Promise<void>;
}

interface MicrosoftModule {
  startMicrosoftEmulator?: (options: {
    port?: number;
    host?: string;
    authorityPort?: number;
    smtpPort?: number;
    relayUrl?: string;
  }) => Promise<{ url: string; authorityUrl: string; smtpUrl: string | null; close(): Promise<void> }>;
}

const host = process.env['EMULATOR_HOST'] ?? '127.0.0.1';
const googlePort = Number(process.env['GOOGLE_EMULATOR_PORT'] ?? 4501);
const microsoftPort = Number(process.env['MICROSOFT_EMULATOR_PORT'] ?? 4502);
const microsoftAuthorityPort = Number(process.env['MICROSOFT_AUTHORITY_PORT'] ?? microsoftPort + 1);
const googleSmtpPort = Number(process.env['GOOGLE_EMULATOR_SMTP_PORT'] ?? 4525);
const microsoftSmtpPort = Number(process.env['MICROSOFT_EMULATOR_SMTP_PORT'] ?? 4526);
const relayUrl = process.env['EMULATOR_SMTP_RELAY_URL'] || undefined;
const ewsPort = Number(process.env['EWS_EMULATOR_PORT'] ?? 4510);
const ewsSmtpPort = Number(process.env['EWS_EMULATOR_SMTP_PORT'] ?? 4528);

async function main(): Promise<void> {
  const running: Running[] = [];
  const google = await startGoogleEmulator({
    port: googlePort,
    host,
    log: process.env['EMULATOR_LOG'] === '1',
    smtpPort: googleSmtpPort,
    ...(relayUrl ? { relayUrl } : {}),
  });
  running.push({ name: 'Google Calendar', url: google.url, close: google.close });
  if (google.smtpUrl)
    running.push({ name: 'Gmail inbound SMTP', url: google.smtpUrl, close: async () => undefined });

  // Loaded by path so this script runs (and type-checks) whether or not that emulator exists yet.
  const microsoftServer = fileURLToPath(new URL('./microsoft/server.ts', import.meta.url));
  if (existsSync(microsoftServer)) {
    try {
      const microsoft = (await import(microsoftServer)) as MicrosoftModule;
      if (microsoft.startMicrosoftEmulator) {
        const started = await microsoft.startMicrosoftEmulator({
          port: microsoftPort,
          host,
          authorityPort: microsoftAuthorityPort,
          smtpPort: microsoftSmtpPort,
          ...(relayUrl ? { relayUrl } : {}),
        });
        running.push({ name: 'Microsoft Graph', url: started.url, close: started.close });
        if (started.smtpUrl)
          running.push({ name: 'Exchange inbound SMTP', url: started.smtpUrl, close: async () => undefined });
        running.push({ name: 'Microsoft sign-in', url: started.authorityUrl, close: async () => undefined });
      } else {
        console.warn(
          'emulators/microsoft/server.ts does not export startMicrosoftEmulator: Microsoft emulator not started',
        );
      }
    } catch (error) {
      // Keep Google up for whoever needs it; say loudly why Microsoft is missing.
      console.error('Microsoft Graph emulator failed to start:', error);
    }
  } else {
    console.warn('emulators/microsoft/server.ts not found: Microsoft emulator not started');
  }

  // Exchange Server on premises (EWS), over HTTPS with the Microsoft emulator's certificate.
  try {
    const ews = await startEwsEmulator({
      port: ewsPort,
      host,
      smtpPort: ewsSmtpPort,
      // The seeded mailboxes share Microsoft 365's addresses (mail for them goes there); this one
      // is Exchange Server's alone, so invitations from elsewhere reach it (mail-world.ts).
      extraMailboxes: [{ email: 'jordan.ellis@northbridge-onprem.test', name: 'Jordan Ellis' }],
      ...(relayUrl ? { relayUrl } : {}),
    });
    running.push({ name: 'Exchange Server (EWS)', url: ews.endpoint, close: ews.close });
    if (ews.smtpUrl)
      running.push({ name: 'Exchange Server inbound SMTP', url: ews.smtpUrl, close: async () => undefined });
  } catch (error) {
    console.error('EWS emulator failed to start:', error);
  }

  for (const emulator of running) console.log(`${emulator.name} emulator listening on ${emulator.url}`);
  console.log(
    relayUrl
      ? `Emulators send iMIP for addresses they do not host to ${relayUrl}`
      : 'EMULATOR_SMTP_RELAY_URL unset: emulators record outgoing iMIP in their outboxes only',
  );
  console.log(
    'Control API: POST <url>/__control/reset, /__control/seed, /__control/faults; GET /__control/requests',
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled(running.map((emulator) => emulator.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
