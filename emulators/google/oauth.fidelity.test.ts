/**
 * Fidelity: Google OAuth as the emulator serves it — consent page, authorization code with PKCE,
 * token / refresh / revoke bodies, invalid_grant, and the API's 401/403 for missing, expired,
 * revoked or under-scoped tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, startBed } from './fidelity-helpers';
import type { GoogleTestbed } from './testbed';

const CLIENT = 'fidelity-client.apps.googleusercontent.com';
const REDIRECT = 'http://127.0.0.1:9/callback';
const SCOPE =
  'https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly';

let bed: GoogleTestbed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(async () => bed.close());

/** Drives the consent page like a browser: GET the page, POST the chosen account, read the redirect. */
async function authorize(params: Record<string, string>, account: string | 'deny'): Promise<URL> {
  const query = new URLSearchParams({
    client_id: CLIENT,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: SCOPE,
    ...params,
  });
  const page = await fetch(`${bed.url}/o/oauth2/v2/auth?${query}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const form = new URLSearchParams({
    request: requestId,
    ...(account === 'deny' ? { decision: 'deny' } : { account }),
  });
  const decision = await fetch(`${bed.url}/o/oauth2/v2/auth/decision`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(decision.status).toBe(302);
  return new URL(decision.headers.get('location') ?? '');
}

async function token(
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${bed.url}/token`, { method: 'POST', body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('consent page', () => {
  it('lists the seeded accounts as labelled buttons in a form, with a heading and a Cancel button', async () => {
    const query = new URLSearchParams({
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: SCOPE,
    });
    const response = await fetch(`${bed.url}/o/oauth2/v2/auth?${query}`);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<h1[^>]*>Choose an account<\/h1>/);
    expect(html).toContain('aria-label="Continue as Olive Organiser (organizer@northbridge.test)"');
    expect(html).toMatch(/<button type="submit" name="decision" value="deny"[^>]*>Cancel<\/button>/);
  });

  it('refuses a request without client_id or with another response_type (400 invalid_request)', async () => {
    const missing = await fetch(
      `${bed.url}/o/oauth2/v2/auth?${new URLSearchParams({ redirect_uri: REDIRECT, response_type: 'code', scope: SCOPE })}`,
    );
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('invalid_request');
    const token = await fetch(
      `${bed.url}/o/oauth2/v2/auth?${new URLSearchParams({ client_id: CLIENT, redirect_uri: REDIRECT, response_type: 'token', scope: SCOPE })}`,
    );
    expect(token.status).toBe(400);
  });

  it('redirects with error=access_denied and the state when the user cancels', async () => {
    const location = await authorize({ state: 'xyz' }, 'deny');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.has('code')).toBe(false);
  });
});

describe('authorization code with PKCE (S256)', () => {
  it('issues Google-shaped tokens once, for the right verifier and redirect_uri only', async () => {
    const { verifier, challenge } = pkce();
    const location = await authorize(
      {
        state: 's1',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        access_type: 'offline',
        prompt: 'consent',
      },
      'organizer@northbridge.test',
    );
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code') ?? '';

    const wrongVerifier = await token({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    expect(wrongVerifier).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid code verifier.' },
    });

    const wrongRedirect = await token({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT,
      redirect_uri: 'http://127.0.0.1:9/other',
      code_verifier: verifier,
    });
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.body['error']).toBe('redirect_uri_mismatch');

    const ok = await token({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT,
      client_secret: 's',
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: SCOPE });
    expect(typeof ok.body['access_token']).toBe('string');
    expect(typeof ok.body['refresh_token']).toBe('string');

    const reused = await token({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(reused.status).toBe(400);
    expect(reused.body['error']).toBe('invalid_grant');
  });

  it('gives no refresh token without access_type=offline', async () => {
    const { verifier, challenge } = pkce();
    const location = await authorize(
      { code_challenge: challenge, code_challenge_method: 'S256' },
      'attendee@northbridge.test',
    );
    const ok = await token({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code') ?? '',
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(ok.status).toBe(200);
    expect(ok.body['refresh_token']).toBeUndefined();
  });

  it('answers unsupported_grant_type for unknown grants', async () => {
    const response = await token({ grant_type: 'password', client_id: CLIENT });
    expect(response.status).toBe(400);
    expect(response.body['error']).toBe('unsupported_grant_type');
  });
});

describe('refresh and revoke', () => {
  it('refreshes without a new refresh token; after revocation answers invalid_grant exactly as Google', async () => {
    const issued = bed.emulator.control.tokensFor('organizer@northbridge.test', SCOPE, CLIENT);
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token ?? '',
      client_id: CLIENT,
      client_secret: 's',
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: SCOPE });
    expect(refreshed.body['refresh_token']).toBeUndefined();

    const revoke = await fetch(
      `${bed.url}/revoke?token=${encodeURIComponent(String(refreshed.body['access_token']))}`,
      { method: 'POST' },
    );
    expect(revoke.status).toBe(200);
    const again = await token({
      grant_type: 'refresh_token',
      refresh_token: issued.refresh_token ?? '',
      client_id: CLIENT,
    });
    expect(again).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    });

    const unknown = await fetch(`${bed.url}/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: 'nope' }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token expired or revoked',
    });
  });
});

describe('access tokens on the Calendar API', () => {
  const list = '/calendar/v3/users/me/calendarList';

  it('answers 401 UNAUTHENTICATED with Google’s body and WWW-Authenticate without a token', async () => {
    const response = await apiAs(bed, null).get(list);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(response.body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(response.body.error.errors[0]).toMatchObject({
      domain: 'global',
      location: 'Authorization',
      locationType: 'header',
    });
  });

  it('answers 401 authError for an unknown, expired or revoked token', async () => {
    const bogus = await fetch(`${bed.url}${list}`, { headers: { authorization: 'Bearer ya29.bogus' } });
    expect(bogus.status).toBe(401);
    expect(
      ((await bogus.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason,
    ).toBe('authError');

    const client = apiAs(bed, 'third@northbridge.test');
    expect((await client.get(list)).status).toBe(200);
    bed.emulator.control.advanceClock(3600);
    try {
      expect((await client.get(list)).status).toBe(401);
    } finally {
      bed.emulator.control.advanceClock(-3600);
    }
    bed.emulator.control.revokeGrants('third@northbridge.test');
    expect((await client.get(list)).status).toBe(401);
  });

  it('answers 403 insufficientPermissions when the grant lacks the scope', async () => {
    const readOnly = apiAs(
      bed,
      'attendee@northbridge.test',
      'https://www.googleapis.com/auth/calendar.readonly',
    );
    const response = await readOnly.post('/calendar/v3/calendars/primary/events', {
      summary: 'x',
      start: { dateTime: '2030-01-01T10:00:00Z' },
      end: { dateTime: '2030-01-01T11:00:00Z' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.errors[0].reason).toBe('insufficientPermissions');
  });
});
