import { createHash, randomBytes } from 'node:crypto';

/**
 * A raw-HTTP client of the emulator for fidelity tests and scripts: signs an account in through
 * the real authorize form + token endpoint (PKCE), and calls Graph with plain fetch.
 */

export const TEST_CLIENT_ID = '00000000-0000-4000-8000-00000000a11e';
export const TEST_CLIENT_SECRET = 'tandem-dev-secret';
export const TEST_REDIRECT_URI = 'http://127.0.0.1:3000/api/auth/callback/microsoft';
export const DELEGATED_SCOPE = 'openid offline_access User.Read Calendars.ReadWrite';

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope?: string;
  token_type: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Submits the consent form as the given account and returns the redirect's query. */
export async function authorizeAs(
  baseUrl: string,
  email: string,
  extra: Record<string, string> = {},
  tenant = 'common',
): Promise<URLSearchParams> {
  const form = new URLSearchParams({
    client_id: TEST_CLIENT_ID,
    response_type: 'code',
    redirect_uri: TEST_REDIRECT_URI,
    scope: DELEGATED_SCOPE,
    state: 'state-123',
    account: email,
    ...extra,
  });
  const response = await fetch(`${baseUrl}/${tenant}/oauth2/v2.0/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location)
    throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  return new URL(location).searchParams;
}

export async function tokenRequest(
  baseUrl: string,
  params: Record<string, string>,
  tenant = 'common',
): Promise<Response> {
  return fetch(`${baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET, ...params }),
  });
}

/** Full delegated sign-in (authorization code + PKCE) for one emulated account. */
export async function signIn(baseUrl: string, email: string): Promise<TokenResponse> {
  const { verifier, challenge } = pkcePair();
  const query = await authorizeAs(baseUrl, email, {
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const response = await tokenRequest(baseUrl, {
    grant_type: 'authorization_code',
    code: query.get('code') ?? '',
    redirect_uri: TEST_REDIRECT_URI,
    code_verifier: verifier,
  });
  if (!response.ok) throw new Error(`token answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as TokenResponse;
}

export async function appToken(baseUrl: string, tenant: string): Promise<TokenResponse> {
  const response = await tokenRequest(
    baseUrl,
    { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' },
    tenant,
  );
  if (!response.ok) throw new Error(`token answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as TokenResponse;
}

/** fetch against Graph with a bearer token; JSON body when given. */
export function graphFetch(
  baseUrl: string,
  token: string,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<Response> {
  const { json, headers, ...rest } = init;
  const url = path.startsWith('https://') ? path : `${baseUrl}/v1.0${path}`;
  return fetch(url, {
    ...rest,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(headers as Record<string, string> | undefined),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}
