import { createHash, randomBytes } from 'node:crypto';
import {
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
  parseRetryAfter,
} from '../errors';
import type { AccountKind, OAuthApp, OAuthTokens } from '../types';
import { APPLICATION_SCOPE, authorityUrl, DELEGATED_SCOPES, type MicrosoftAppConfig } from './config';
import { GraphSession } from './graph-session';

/**
 * Microsoft identity platform v2.0: authorization URL with PKCE (S256) and state, code
 * exchange, refresh, client credentials. Plain fetch: these are form posts, not Graph calls.
 */

export interface PkcePair {
  verifier: string;
  challenge: string;
}

export function createPkcePair(): PkcePair {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function createOAuthState(): string {
  return randomBytes(24).toString('base64url');
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  codeChallenge: string;
  loginHint?: string;
  /** `select_account` lets a user with several accounts choose; `consent` forces the consent screen. */
  prompt?: 'select_account' | 'consent' | 'login';
}

export function buildAuthorizationUrl(config: MicrosoftAppConfig, request: AuthorizationRequest): string {
  const url = new URL(`${authorityUrl(config)}/authorize`);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('response_mode', 'query');
  url.searchParams.set('scope', DELEGATED_SCOPES.join(' '));
  url.searchParams.set('state', request.state);
  url.searchParams.set('code_challenge', request.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (request.loginHint) url.searchParams.set('login_hint', request.loginHint);
  if (request.prompt) url.searchParams.set('prompt', request.prompt);
  return url.toString();
}

interface TokenEndpointBody {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

async function postToken(
  config: MicrosoftAppConfig,
  params: Record<string, string>,
  tenant?: string,
  now = Date.now(),
): Promise<OAuthTokens> {
  let response: Response;
  try {
    response = await fetch(`${authorityUrl(config, tenant)}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: config.clientId,
        client_secret: config.clientSecret,
        ...params,
      }),
    });
  } catch (error) {
    throw new ProviderUnavailableError('Microsoft token endpoint unreachable', undefined, { cause: error });
  }
  const body = (await response.json().catch(() => ({}))) as TokenEndpointBody;
  if (response.ok && body.access_token) {
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? params.refresh_token ?? null,
      expiresAt: new Date(now + (body.expires_in ?? 3599) * 1000),
      scope: body.scope ?? null,
    };
  }
  const detail = `${body.error ?? response.status}: ${body.error_description ?? ''}`.trim();
  if (body.error === 'invalid_grant' || body.error === 'interaction_required') {
    throw new ProviderAuthRevokedError(`Microsoft refused the grant (${detail})`, response.status);
  }
  if (response.status === 429) {
    throw new ProviderRateLimitedError(
      'Microsoft token endpoint throttled',
      parseRetryAfter(response.headers.get('retry-after')),
      429,
    );
  }
  if (response.status >= 500)
    throw new ProviderUnavailableError(`Microsoft token endpoint failed (${detail})`, response.status);
  throw new ProviderBadRequestError(`Microsoft token request refused (${detail})`, response.status);
}

export function exchangeAuthorizationCode(
  config: MicrosoftAppConfig,
  request: { code: string; redirectUri: string; codeVerifier: string },
): Promise<OAuthTokens> {
  return postToken(config, {
    grant_type: 'authorization_code',
    code: request.code,
    redirect_uri: request.redirectUri,
    code_verifier: request.codeVerifier,
    scope: DELEGATED_SCOPES.join(' '),
  });
}

/** A refresh; `invalid_grant` (revoked, expired, password reset) → ProviderAuthRevokedError. */
export function refreshAccessToken(config: MicrosoftAppConfig, refreshToken: string): Promise<OAuthTokens> {
  return postToken(config, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    scope: DELEGATED_SCOPES.join(' '),
  });
}

/** App-only token for enterprise connections; needs a tenant id or domain, never `common`. */
export function clientCredentialsToken(config: MicrosoftAppConfig, tenantId: string): Promise<OAuthTokens> {
  return postToken(config, { grant_type: 'client_credentials', scope: APPLICATION_SCOPE }, tenantId);
}

/**
 * Tandem's Microsoft app registration as the app-neutral OAuthApp. The token response carries no
 * profile, so the account is read from Graph `/me`. Tandem cannot tell a personal account from a
 * work one before the first call fails, so the kind is the one the user chose (work by default).
 * The identity platform has no endpoint to revoke one app's delegated grant (the user removes
 * the consent at https://myapps.microsoft.com), so `revoke` has nothing to call.
 */
export function createMicrosoftOAuthApp(config: MicrosoftAppConfig, redirectUri: string): OAuthApp {
  return {
    authorizationRequest(options) {
      const pkce = createPkcePair();
      const state = createOAuthState();
      const url = buildAuthorizationUrl(config, {
        redirectUri,
        state,
        codeChallenge: pkce.challenge,
        ...(options.loginHint ? { loginHint: options.loginHint } : { prompt: 'select_account' as const }),
      });
      return Promise.resolve({ url, state, codeVerifier: pkce.verifier });
    },
    async exchangeCode(params) {
      const tokens = await exchangeAuthorizationCode(config, {
        code: params.code,
        codeVerifier: params.codeVerifier,
        redirectUri,
      });
      const accessToken = {
        fresh: () => Promise.resolve(tokens.accessToken),
        current: () => tokens.accessToken,
        // Just issued: a 401 here is not an early expiry, and there is nothing newer to try.
        renew: () => Promise.resolve(tokens.accessToken),
      };
      const profile = await new GraphSession(config, accessToken, '/me').profile();
      const accountKind: AccountKind = params.accountKind ?? 'work';
      return { tokens, ...profile, accountKind };
    },
    refresh: (refreshToken) => refreshAccessToken(config, refreshToken),
    revoke: () => Promise.resolve(),
  };
}
