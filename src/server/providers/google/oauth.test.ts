/**
 * OAuth for Google against the emulator: the PKCE code flow through the consent page, refresh
 * before expiry reported through TokensRefreshed, refresh after a 401, and invalid_grant →
 * ProviderAuthRevokedError everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests run the emulator in-process; app code never imports it (eslint's src/ rule targets that).
import { type GoogleTestbed, startGoogleTestbed, TESTBED_CLIENT } from '@/emulators/google/testbed';
import { ProviderAuthRevokedError } from '../errors';
import type { OAuthTokens } from '../types';
import { GOOGLE_CALENDAR_SCOPES, googleEndpointsAt, type GoogleClientConfig } from './config';
import { createGoogleProvider } from './provider';
import {
  createAuthorizationRequest,
  exchangeAuthorizationCode,
  refreshAccessToken,
  revokeGrant,
  stateMatches,
} from './oauth';

let bed: GoogleTestbed;
let config: GoogleClientConfig;

beforeAll(async () => {
  bed = await startGoogleTestbed();
  config = { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) };
});
afterAll(async () => bed.close());

/** What the user's browser does on the consent page: pick the account, follow the redirect. */
async function consent(url: string, email: string): Promise<URL> {
  const html = await (await fetch(url)).text();
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const response = await fetch(`${bed.url}/o/oauth2/v2/auth/decision`, {
    method: 'POST',
    body: new URLSearchParams({ request, account: email }),
    redirect: 'manual',
  });
  return new URL(response.headers.get('location') ?? '');
}

describe('authorization code flow with PKCE', () => {
  it('builds a Google authorization URL, exchanges the code and names the account', async () => {
    const request = await createAuthorizationRequest(config, { loginHint: 'attendee@northbridge.test' });
    const url = new URL(request.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${bed.url}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: TESTBED_CLIENT.clientId,
      redirect_uri: TESTBED_CLIENT.redirectUri,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
      state: request.state,
      scope: GOOGLE_CALENDAR_SCOPES.join(' '),
      login_hint: 'attendee@northbridge.test',
    });

    const callback = await consent(request.url, 'attendee@northbridge.test');
    expect(stateMatches(request.state, callback.searchParams.get('state'))).toBe(true);
    expect(stateMatches(request.state, 'forged')).toBe(false);
    const code = callback.searchParams.get('code') ?? '';

    const connected = await exchangeAuthorizationCode(config, { code, codeVerifier: request.codeVerifier });
    expect(connected.email).toBe('attendee@northbridge.test');
    expect(connected.tokens.refreshToken).toBeTruthy();
    expect(connected.tokens.expiresAt.getTime()).toBeGreaterThan(Date.now());

    // The code is single-use: a replay is an invalid grant.
    await expect(
      exchangeAuthorizationCode(config, { code, codeVerifier: request.codeVerifier }),
    ).rejects.toBeInstanceOf(ProviderAuthRevokedError);
  });

  it('refuses a code exchanged with another verifier', async () => {
    const request = await createAuthorizationRequest(config);
    const other = await createAuthorizationRequest(config);
    const code = (await consent(request.url, 'organizer@northbridge.test')).searchParams.get('code') ?? '';
    await expect(
      exchangeAuthorizationCode(config, { code, codeVerifier: other.codeVerifier }),
    ).rejects.toBeInstanceOf(ProviderAuthRevokedError);
  });
});

describe('refreshing', () => {
  it('refreshes before expiry and reports the new tokens, keeping the refresh token', async () => {
    const stored = bed.tokens('organizer@northbridge.test');
    const reported: OAuthTokens[] = [];
    const provider = createGoogleProvider({
      config,
      // Expires within the refresh margin: the adapter must refresh before calling.
      tokens: { ...stored, expiresAt: new Date(Date.now() + 60_000) },
      onTokensRefreshed: async (tokens) => {
        reported.push(tokens);
      },
    });
    await provider.listCalendars();
    expect(reported).toHaveLength(1);
    expect(reported[0]?.accessToken).not.toBe(stored.accessToken);
    expect(reported[0]?.refreshToken).toBe(stored.refreshToken);
    expect(reported[0]?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    await provider.listCalendars();
    expect(reported).toHaveLength(1);
  });

  it('refreshes once after a 401 from a token the server no longer accepts', async () => {
    const stored = bed.tokens('attendee@northbridge.test');
    const reported: OAuthTokens[] = [];
    const provider = createGoogleProvider({
      config,
      tokens: stored,
      onTokensRefreshed: async (tokens) => void reported.push(tokens),
    });
    expireAccessTokensOnServer();
    await expect(provider.listCalendars()).resolves.toHaveLength(1);
    expect(reported).toHaveLength(1);
  });

  it('maps invalid_grant to ProviderAuthRevokedError, in the adapter and in the standalone refresh', async () => {
    const stored = bed.tokens('third@northbridge.test');
    const provider = createGoogleProvider({
      config,
      tokens: { ...stored, expiresAt: new Date(Date.now() - 1000) },
    });
    await revokeGrant(config, stored.refreshToken ?? '');
    await expect(provider.listCalendars()).rejects.toBeInstanceOf(ProviderAuthRevokedError);
    await expect(refreshAccessToken(config, stored.refreshToken ?? '')).rejects.toBeInstanceOf(
      ProviderAuthRevokedError,
    );
    // Revoking what is already revoked is not an error.
    await expect(revokeGrant(config, stored.refreshToken ?? '')).resolves.toBeUndefined();
  });

  it('refreshes standalone with a live grant', async () => {
    const stored = bed.tokens('organizer@northbridge.test');
    const tokens = await refreshAccessToken(config, stored.refreshToken ?? '');
    expect(tokens.accessToken).not.toBe(stored.accessToken);
    expect(tokens.refreshToken).toBe(stored.refreshToken);
  });
});

/**
 * Makes the emulator refuse the current access token while the grant stays valid, as when Google
 * expires a token early: the emulator's clock jumps past the token's lifetime.
 */
function expireAccessTokensOnServer(): void {
  bed.emulator.control.advanceClock(3600);
}
