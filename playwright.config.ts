import { defineConfig } from '@playwright/test';
import {
  E2E_APP_URL,
  E2E_ENCRYPTION_KEYS,
  E2E_EWS_PORT,
  E2E_EWS_SMTP_PORT,
  E2E_GOOGLE_PORT,
  E2E_GOOGLE_SMTP_PORT,
  E2E_GOOGLE_URL,
  E2E_INBOUND_EMAIL_SECRET,
  E2E_INBOUND_SMTP_PORT,
  E2E_INBOX_SMTP_PORT,
  E2E_INBOX_URL,
  E2E_INBOX_WEB_PORT,
  E2E_MAIL_EXCHANGE_PORT,
  E2E_MICROSOFT_AUTHORITY_PORT,
  E2E_MICROSOFT_AUTHORITY_URL,
  E2E_MICROSOFT_PORT,
  E2E_MICROSOFT_SMTP_PORT,
  E2E_MICROSOFT_URL,
  E2E_PGLITE_DIR,
  E2E_PORT,
  E2E_PROVISIONING_TOKEN,
  E2E_SMTP_URL,
} from './e2e/fixtures';

// Debian's Chromium (npx playwright install cannot download here); CHROMIUM_PATH overrides.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const emulatorCertificate = 'emulators/microsoft/certs/emulator-cert.pem';
// `npm run test:e2e` builds the app first (NODE_ENV=test next build) and the specs run against that
// build: on two cores, `next dev` compiling each route on its first visit cost minutes and made
// first visits time out. E2E_NEXT_DEV=1 serves `next dev` instead, for working on one spec.
const nextDev = process.env.E2E_NEXT_DEV === '1';
const appCommand = nextDev
  ? `npx next dev --port ${E2E_PORT} --hostname 127.0.0.1`
  : `npx next start --port ${E2E_PORT} --hostname 127.0.0.1`;

export default defineConfig({
  testDir: 'e2e',
  // One worker: the specs share one app (each test makes its own tenant in it), and the machine has two cores.
  workers: 1,
  forbidOnly: !!process.env.CI,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: E2E_APP_URL,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 1000 },
    timezoneId: 'Europe/London',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      // The mail world (mail-world.md): the exchange routing each recipient to the emulator, Tandem or
      // the inbox hosting its domain, and the inbox itself (maildev; e2e/mail-inbox.ts reads it).
      command: 'npx tsx emulators/mail-exchange/start.ts',
      url: `${E2E_INBOX_URL}/api/email`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        MAIL_EXCHANGE_PORT: String(E2E_MAIL_EXCHANGE_PORT),
        GOOGLE_EMULATOR_SMTP_PORT: String(E2E_GOOGLE_SMTP_PORT),
        MICROSOFT_EMULATOR_SMTP_PORT: String(E2E_MICROSOFT_SMTP_PORT),
        EWS_EMULATOR_SMTP_PORT: String(E2E_EWS_SMTP_PORT),
        INBOUND_SMTP_PORT: String(E2E_INBOUND_SMTP_PORT),
        MAIL_INBOX_SMTP_PORT: String(E2E_INBOX_SMTP_PORT),
        MAIL_INBOX_WEB_PORT: String(E2E_INBOX_WEB_PORT),
      },
    },
    {
      // The Google, Microsoft and Exchange Server (EWS) emulators, seeded with emulators/seed/demo.json (as in the demo).
      command: 'npx tsx emulators/start.ts',
      url: `${E2E_GOOGLE_URL}/__control/google/accounts`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        GOOGLE_EMULATOR_PORT: String(E2E_GOOGLE_PORT),
        MICROSOFT_EMULATOR_PORT: String(E2E_MICROSOFT_PORT),
        MICROSOFT_AUTHORITY_PORT: String(E2E_MICROSOFT_AUTHORITY_PORT),
        EWS_EMULATOR_PORT: String(E2E_EWS_PORT),
        GOOGLE_EMULATOR_SMTP_PORT: String(E2E_GOOGLE_SMTP_PORT),
        MICROSOFT_EMULATOR_SMTP_PORT: String(E2E_MICROSOFT_SMTP_PORT),
        EWS_EMULATOR_SMTP_PORT: String(E2E_EWS_SMTP_PORT),
        EMULATOR_SMTP_RELAY_URL: E2E_SMTP_URL,
        EMULATOR_HOST: '127.0.0.1',
        NODE_EXTRA_CA_CERTS: emulatorCertificate,
      },
    },
    {
      command: appCommand,
      url: `${E2E_APP_URL}/sign-in`,
      timeout: nextDev ? 180_000 : 60_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        // A test build, not a production one: the inline job driver and the provisioning route refuse production.
        NODE_ENV: nextDev ? 'development' : 'test',
        PGLITE_DATA_DIR: E2E_PGLITE_DIR,
        AUTH_SECRET: 'e2e-only-secret-0123456789abcdef0123456789',
        TANDEM_DEMO: '0',
        NEXT_TELEMETRY_DISABLED: '1',
        NODE_EXTRA_CA_CERTS: emulatorCertificate,
        // As in the demo (scripts/demo.ts): the emulators stand in for Google and Microsoft.
        GOOGLE_CLIENT_ID: 'tandem-demo.apps.googleusercontent.com',
        GOOGLE_CLIENT_SECRET: 'tandem-demo-secret',
        GOOGLE_BASE_URL: E2E_GOOGLE_URL,
        MICROSOFT_CLIENT_ID: '00000000-0000-4000-8000-00000000a11e',
        MICROSOFT_CLIENT_SECRET: 'tandem-dev-secret',
        MICROSOFT_GRAPH_BASE_URL: E2E_MICROSOFT_URL,
        MICROSOFT_AUTHORITY_BASE_URL: E2E_MICROSOFT_AUTHORITY_URL,
        APP_URL: E2E_APP_URL,
        TANDEM_JOBS: 'inline',
        TANDEM_ENCRYPTION_KEYS: E2E_ENCRYPTION_KEYS,
        // Mail as in the demo: out through the exchange, iMIP replies in on Tandem's listener or its hook.
        SMTP_URL: E2E_SMTP_URL,
        INBOUND_SMTP_PORT: String(E2E_INBOUND_SMTP_PORT),
        INBOUND_EMAIL_SECRET: E2E_INBOUND_EMAIL_SECRET,
        // Opens the test-only route through which each spec makes its tenant (e2e/tenant-fixture.ts).
        TANDEM_TEST_PROVISIONING_TOKEN: E2E_PROVISIONING_TOKEN,
        // Playwright passes its own environment too, DATABASE_URL included when CI sets it.
      },
    },
  ],
});
