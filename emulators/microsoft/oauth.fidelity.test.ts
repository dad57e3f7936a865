import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MICROSOFT_SEED_PATH } from './seed';
import { startMicrosoftEmulator, type MicrosoftEmulator } from './server';
import {
  authorizeAs,
  DELEGATED_SCOPE,
  graphFetch,
  pkcePair,
  signIn,
  TEST_CLIENT_ID,
  TEST_REDIRECT_URI,
  tokenRequest,
} from './test-client';

/** Pins the identity platform v2.0 behaviour the adapter relies on (raw HTTP, no SDK). */

let emulator: MicrosoftEmulator;
beforeAll(async () => {
  emulator = await startMicrosoftEmulator({ port: 0, seed: MICROSOFT_SEED_PATH });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('authorize endpoint', () => {
  it('shows a consent page listing the accounts the tenant segment allows', async () => {
    const query = new URLSearchParams({
      client_id: TEST_CLIENT_ID,
      response_type: 'code',
      redirect_uri: TEST_REDIRECT_URI,
      scope: DELEGATED_SCOPE,
      state: 's',
    });
    const common = await fetch(`${emulator.url}/common/oauth2/v2.0/authorize?${query}`);
    expect(common.status).toBe(200);
    const page = await common.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('learner6@northbridge.test');
    expect(page).toContain('sam.personal@outlook.test');
    expect(page).toMatch(/<legend>/);

    const consumers = await (await fetch(`${emulator.url}/consumers/oauth2/v2.0/authorize?${query}`)).text();
    expect(consumers).toContain('sam.personal@outlook.test');
    expect(consumers).not.toContain('tutor1@northbridge.test');
  });

  it('refuses an unknown client and an unregistered redirect URI', async () => {
    const unknown = await fetch(
      `${emulator.url}/common/oauth2/v2.0/authorize?client_id=nope&response_type=code&redirect_uri=${encodeURIComponent(TEST_REDIRECT_URI)}`,
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('AADSTS700016');
    const badRedirect = await fetch(
      `${emulator.url}/common/oauth2/v2.0/authorize?client_id=${TEST_CLIENT_ID}&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
    );
    expect(badRedirect.status).toBe(400);
    expect(await badRedirect.text()).toContain('AADSTS50011');
  });

  it('redirects with code and the same state after consent', async () => {
    const query = await authorizeAs(emulator.url, 'learner1@northbridge.test');
    expect(query.get('state')).toBe('state-123');
    expect(query.get('code')).toBeTruthy();
  });
});

describe('token endpoint', () => {
  it('exchanges a code with PKCE once, with the documented token response fields', async () => {
    const { verifier, challenge } = pkcePair();
    const code =
      (
        await authorizeAs(emulator.url, 'tutor1@northbridge.test', {
          code_challenge: challenge,
          code_challenge_method: 'S256',
        })
      ).get('code') ?? '';
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: TEST_REDIRECT_URI,
      code_verifier: verifier,
    };
    const first = await tokenRequest(emulator.url, params);
    expect(first.status).toBe(200);
    const body = (await first.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      ext_expires_in: expect.any(Number),
    });
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.refresh_token).toEqual(expect.any(String));
    expect(String(body.scope)).toContain('https://graph.microsoft.com/Calendars.ReadWrite');

    const replay = await tokenRequest(emulator.url, params);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
  });

  it('refuses a wrong code_verifier with AADSTS501481', async () => {
    const { challenge } = pkcePair();
    const code =
      (
        await authorizeAs(emulator.url, 'tutor1@northbridge.test', {
          code_challenge: challenge,
          code_challenge_method: 'S256',
        })
      ).get('code') ?? '';
    const response = await tokenRequest(emulator.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: TEST_REDIRECT_URI,
      code_verifier: pkcePair().verifier,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_grant');
    expect(body.error_description).toMatch(/^AADSTS501481: /);
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const response = await tokenRequest(
      emulator.url,
      {
        grant_type: 'client_credentials',
        scope: 'https://graph.microsoft.com/.default',
        client_secret: 'wrong',
      },
      'northbridge.test',
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });

  it('refreshes, and answers invalid_grant with AADSTS text once the grant is revoked', async () => {
    const tokens = await signIn(emulator.url, 'learner2@northbridge.test');
    const refreshed = await tokenRequest(emulator.url, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect(next.access_token).not.toBe(tokens.access_token);

    await fetch(`${emulator.url}/__control/revoke`, {
      method: 'POST',
      body: JSON.stringify({ email: 'learner2@northbridge.test' }),
    });
    const revoked = await tokenRequest(emulator.url, {
      grant_type: 'refresh_token',
      refresh_token: next.refresh_token,
    });
    expect(revoked.status).toBe(400);
    const body = (await revoked.json()) as {
      error: string;
      error_description: string;
      error_codes: number[];
    };
    expect(body.error).toBe('invalid_grant');
    expect(body.error_description).toMatch(/^AADSTS50173: .*revoked/);
    // Access tokens of the revoked grant stop working too.
    const call = await graphFetch(emulator.url, next.access_token, '/me/calendars');
    expect(call.status).toBe(401);
  });

  it('issues app-only tokens for a tenant with /.default, never for common', async () => {
    const ok = await tokenRequest(
      emulator.url,
      { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' },
      'northbridge.test',
    );
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, unknown>;
    expect(body.refresh_token).toBeUndefined();
    const common = await tokenRequest(emulator.url, {
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(common.status).toBe(400);
    const badScope = await tokenRequest(
      emulator.url,
      { grant_type: 'client_credentials', scope: 'Calendars.ReadWrite' },
      'northbridge.test',
    );
    expect(await badScope.json()).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('sign-in over plain HTTP (authorityPort)', () => {
  it('serves the consent page and the token endpoint over HTTP, and never Graph', async () => {
    const withHttp = await startMicrosoftEmulator({ port: 0, authorityPort: 0, seed: MICROSOFT_SEED_PATH });
    try {
      expect(withHttp.authorityUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(withHttp.authorityUrl).not.toBe(withHttp.url);
      const query = new URLSearchParams({
        client_id: TEST_CLIENT_ID,
        response_type: 'code',
        redirect_uri: TEST_REDIRECT_URI,
        scope: DELEGATED_SCOPE,
        state: 's',
      });
      const consent = await fetch(`${withHttp.authorityUrl}/common/oauth2/v2.0/authorize?${query}`);
      expect(consent.status).toBe(200);
      expect(await consent.text()).toContain('learner6@northbridge.test');

      // The same store behind both listeners: a code granted over HTTP is redeemed there too.
      const { verifier, challenge } = pkcePair();
      const code =
        (
          await authorizeAs(withHttp.authorityUrl, 'learner1@northbridge.test', {
            code_challenge: challenge,
            code_challenge_method: 'S256',
          })
        ).get('code') ?? '';
      const tokens = await tokenRequest(withHttp.authorityUrl, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: TEST_REDIRECT_URI,
        code_verifier: verifier,
      });
      const { access_token: accessToken } = (await tokens.json()) as { access_token: string };
      expect(accessToken).toEqual(expect.any(String));

      const overHttp = await fetch(`${withHttp.authorityUrl}/v1.0/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(overHttp.status).toBe(404);
      const overHttps = await fetch(`${withHttp.url}/v1.0/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(overHttps.status).toBe(200);
    } finally {
      await withHttp.close();
    }
  });

  it('is off unless asked for: the authority is then the HTTPS root', () => {
    expect(emulator.authorityUrl).toBe(emulator.url);
  });
});
