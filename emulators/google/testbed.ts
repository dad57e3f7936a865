/**
 * Test support: a Google emulator on a free port with a small seed (no demo events), plus tokens
 * for its accounts in the shape the adapter stores them. Tests of the adapter and the contract
 * harness start one per file: `const bed = await startGoogleTestbed(); … await bed.close()`.
 */
import type { SeedFileInput } from '../shared/seed';
import { type GoogleEmulator, startGoogleEmulator } from './server';

export const TESTBED_CLIENT = {
  clientId: 'tandem-test-client.apps.googleusercontent.com',
  clientSecret: 'tandem-test-secret',
  redirectUri: 'http://127.0.0.1:3000/api/calendar/google/callback',
} as const;

export const TESTBED_SCOPE =
  'https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly';

export const TESTBED_SEED: SeedFileInput = {
  tenant: 'Testbed',
  accounts: [
    { email: 'organizer@northbridge.test', name: 'Olive Organiser', timeZone: 'Europe/London', events: [] },
    { email: 'attendee@northbridge.test', name: 'Avery Attendee', timeZone: 'Europe/London', events: [] },
    { email: 'third@northbridge.test', name: 'Theo Third', timeZone: 'America/New_York', events: [] },
  ],
};

export interface TestbedTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date;
  scope: string | null;
}

export interface GoogleTestbed {
  emulator: GoogleEmulator;
  url: string;
  /** A fresh grant for the account, issued to TESTBED_CLIENT. */
  tokens(email: string, scope?: string): TestbedTokens;
  close(): Promise<void>;
}

export async function startGoogleTestbed(
  options: { seed?: SeedFileInput; smtpPort?: number; relayUrl?: string } = {},
): Promise<GoogleTestbed> {
  const emulator = await startGoogleEmulator({
    port: 0,
    seed: options.seed ?? TESTBED_SEED,
    ...(options.smtpPort !== undefined ? { smtpPort: options.smtpPort } : {}),
    ...(options.relayUrl ? { relayUrl: options.relayUrl } : {}),
  });
  return {
    emulator,
    url: emulator.url,
    tokens: (email, scope = TESTBED_SCOPE) => {
      const issued = emulator.control.tokensFor(email, scope, TESTBED_CLIENT.clientId);
      return {
        accessToken: issued.access_token,
        refreshToken: issued.refresh_token ?? null,
        expiresAt: new Date(Date.now() + issued.expires_in * 1000),
        scope: issued.scope,
      };
    },
    close: () => emulator.close(),
  };
}
