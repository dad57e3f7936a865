/**
 * Connecting a Google account: the authorization URL (code flow with PKCE S256 and a `state`),
 * the code exchange, a standalone refresh and revocation. `invalid_grant` anywhere becomes
 * ProviderAuthRevokedError (the connection needs a new consent).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ProviderProtocolError } from '../errors';
import type { OAuthApp, OAuthTokens } from '../types';
import { GOOGLE_CALENDAR_SCOPES, resolveEndpoints, type GoogleClientConfig } from './config';
import { mapGoogleError } from './errors';
import { type CodeChallengeMethod, createCalendarClient, createOAuth2Client } from './sdk';

export interface AuthorizationRequest {
  /** Send the user's browser here. */
  url: string;
  /** Keep server-side (e.g. in the session) and compare on the callback. */
  state: string;
  /** Keep server-side; needed for the code exchange. */
  codeVerifier: string;
}

export async function createAuthorizationRequest(
  config: GoogleClientConfig,
  options: { scopes?: readonly string[]; loginHint?: string; state?: string } = {},
): Promise<AuthorizationRequest> {
  const client = createOAuth2Client(config);
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const state = options.state ?? randomBytes(24).toString('base64url');
  const url = client.generateAuthUrl({
    access_type: 'offline',
    // Without prompt=consent Google only returns a refresh token on the very first consent.
    prompt: 'consent',
    include_granted_scopes: true,
    scope: [...(options.scopes ?? GOOGLE_CALENDAR_SCOPES)],
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as CodeChallengeMethod,
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  });
  return { url, state, codeVerifier };
}

/** Constant-time comparison of the callback's `state` with the one we issued. */
export function stateMatches(expected: string, received: string | null | undefined): boolean {
  if (!received) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ConnectedAccount {
  tokens: OAuthTokens;
  /** The account's email: the id of its primary calendar. */
  email: string;
}

/** Exchanges the callback's code (with the PKCE verifier) for tokens and finds whose account it is. */
export async function exchangeAuthorizationCode(
  config: GoogleClientConfig,
  params: { code: string; codeVerifier: string },
): Promise<ConnectedAccount> {
  const client = createOAuth2Client(config);
  try {
    const { tokens } = await client.getToken({ code: params.code, codeVerifier: params.codeVerifier });
    if (!tokens.access_token) throw new ProviderProtocolError('Google token response without access_token');
    client.setCredentials(tokens);
    const primary = await createCalendarClient(client, resolveEndpoints(config)).calendarList.get({
      calendarId: 'primary',
    });
    return {
      tokens: {
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token ?? null,
        expiresAt: new Date(tokens.expiry_date ?? Date.now() + 3_600_000),
        scope: tokens.scope ?? null,
      },
      email: primary.data.id ?? '',
    };
  } catch (error) {
    throw mapGoogleError(error);
  }
}

/** A refresh outside any API call (e.g. a health check); the adapter refreshes on its own. */
export async function refreshAccessToken(
  config: GoogleClientConfig,
  refreshToken: string,
): Promise<OAuthTokens> {
  const client = createOAuth2Client(config);
  client.setCredentials({ refresh_token: refreshToken });
  try {
    const { credentials } = await client.refreshAccessToken();
    if (!credentials.access_token)
      throw new ProviderProtocolError('Google refresh response without access_token');
    return {
      accessToken: credentials.access_token,
      refreshToken: credentials.refresh_token ?? refreshToken,
      expiresAt: new Date(credentials.expiry_date ?? Date.now() + 3_600_000),
      scope: credentials.scope ?? null,
    };
  } catch (error) {
    throw mapGoogleError(error);
  }
}

/** Revokes the grant (disconnecting a calendar). An already revoked token is not an error. */
export async function revokeGrant(config: GoogleClientConfig, token: string): Promise<void> {
  const client = createOAuth2Client(config);
  try {
    await client.revokeToken(token);
  } catch (error) {
    const mapped = mapGoogleError(error);
    if (mapped.status === 400) return; // invalid_token: nothing left to revoke
    throw mapped;
  }
}

/** Tandem's Google OAuth client as the app-neutral OAuthApp (Google has no personal/work split). */
export function createGoogleOAuthApp(config: GoogleClientConfig): OAuthApp {
  return {
    authorizationRequest: (options) =>
      createAuthorizationRequest(config, options.loginHint ? { loginHint: options.loginHint } : {}),
    async exchangeCode(params) {
      const account = await exchangeAuthorizationCode(config, params);
      return { tokens: account.tokens, email: account.email, displayName: null, accountKind: null };
    },
    refresh: (refreshToken) => refreshAccessToken(config, refreshToken),
    revoke: (token) => revokeGrant(config, token),
  };
}
