import { defineConfig } from '@playwright/test';
import { E2E_PGLITE_DIR, E2E_PORT } from './e2e/fixtures';

// Debian's Chromium (npx playwright install cannot download here); CHROMIUM_PATH overrides.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  // One worker: the specs share one app and database, and the machine has two cores.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 1000 },
    timezoneId: 'Europe/London',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `npx next dev --port ${E2E_PORT} --hostname 127.0.0.1`,
    url: `http://127.0.0.1:${E2E_PORT}/sign-in`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PGLITE_DATA_DIR: E2E_PGLITE_DIR,
      AUTH_SECRET: 'e2e-only-secret-0123456789abcdef0123456789',
      TANDEM_DEMO: '0',
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_EXTRA_CA_CERTS: 'emulators/microsoft/certs/emulator-cert.pem',
      // Playwright passes its own environment too, DATABASE_URL included when CI sets it.
    },
  },
});
