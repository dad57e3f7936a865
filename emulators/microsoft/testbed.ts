import {
  buildAuthorizationUrl,
  createMicrosoftProvider,
  createOAuthState,
  createPkcePair,
  exchangeAuthorizationCode,
} from '../../src/server/providers/microsoft';
import type { MicrosoftCalendarProvider, MicrosoftAppConfig } from '../../src/server/providers/microsoft';
import type { OAuthTokens } from '../../src/server/providers/types';
import type { FaultRule } from './control-state';
import { MICROSOFT_SEED_PATH } from './seed';
import { startMicrosoftEmulator, type MicrosoftEmulator } from './server';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_REDIRECT_URI } from './test-client';

/**
 * Test support (not production code): an in-process emulator plus Microsoft adapters signed in
 * through the adapter's own OAuth helpers (authorization URL → consent form → code + PKCE).
 */

export interface ConnectedAccount {
  email: string;
  provider: MicrosoftCalendarProvider;
  tokens: OAuthTokens;
  calendarId: string;
  /** Tokens reported through onTokensRefreshed. */
  refreshed: OAuthTokens[];
}

export interface MicrosoftTestbed {
  emulator: MicrosoftEmulator;
  app: MicrosoftAppConfig;
  signIn(email: string, tenant?: string): Promise<OAuthTokens>;
  connect(
    email: string,
    options?: { pageSize?: number; tokens?: OAuthTokens; now?: () => Date },
  ): Promise<ConnectedAccount>;
  connectApp(userId: string, tenant?: string): MicrosoftCalendarProvider;
  fault(rule: Partial<FaultRule>): void;
  close(): Promise<void>;
}

export async function startMicrosoftTestbed(
  options: { smtpPort?: number; relayUrl?: string } = {},
): Promise<MicrosoftTestbed> {
  const emulator = await startMicrosoftEmulator({
    port: 0,
    seed: MICROSOFT_SEED_PATH,
    ...(options.smtpPort !== undefined ? { smtpPort: options.smtpPort } : {}),
    ...(options.relayUrl ? { relayUrl: options.relayUrl } : {}),
  });
  const app: MicrosoftAppConfig = {
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    graphBaseUrl: emulator.url,
    authorityBaseUrl: emulator.url,
  };

  async function signIn(email: string, tenant = 'common'): Promise<OAuthTokens> {
    const pkce = createPkcePair();
    const state = createOAuthState();
    const authorize = new URL(
      buildAuthorizationUrl(
        { ...app, tenant },
        { redirectUri: TEST_REDIRECT_URI, state, codeChallenge: pkce.challenge },
      ),
    );
    const form = new URLSearchParams(authorize.searchParams);
    form.set('account', email);
    const consent = await fetch(`${authorize.origin}${authorize.pathname}`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const location = new URL(consent.headers.get('location') ?? 'about:blank');
    if (location.searchParams.get('state') !== state)
      throw new Error(`state mismatch after consent (${consent.status})`);
    return exchangeAuthorizationCode(app, {
      code: location.searchParams.get('code') ?? '',
      redirectUri: TEST_REDIRECT_URI,
      codeVerifier: pkce.verifier,
    });
  }

  return {
    emulator,
    app,
    signIn,
    async connect(email, options = {}) {
      const tokens = options.tokens ?? (await signIn(email));
      const refreshed: OAuthTokens[] = [];
      const account = emulator.store.accountByIdOrEmail(email);
      const provider = createMicrosoftProvider({
        app,
        connection: {
          kind: 'delegated',
          tokens,
          accountKind: account?.kind ?? 'work',
          onTokensRefreshed: async (next) => void refreshed.push(next),
        },
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      const calendars = await provider.listCalendars();
      const primary = calendars.find((calendar) => calendar.isPrimary);
      if (!primary) throw new Error(`no default calendar for ${email}`);
      return { email, provider, tokens, calendarId: primary.externalId, refreshed };
    },
    connectApp(userId, tenant = 'northbridge.test') {
      return createMicrosoftProvider({ app, connection: { kind: 'application', tenantId: tenant, userId } });
    },
    fault(rule) {
      emulator.control.addFault({ kind: 'status', times: 1, ...rule });
    },
    close: () => emulator.close(),
  };
}
