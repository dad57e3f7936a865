/**
 * Fidelity: Google Workspace enterprise access as the emulator serves it, raw HTTP.
 * - JWT bearer grant: https://developers.google.com/identity/protocols/oauth2/service-account
 *   ("Preparing to make a delegated API call": header {"alg":"RS256","typ":"JWT"}, claims iss,
 *   scope, aud = https://oauth2.googleapis.com/token, exp ≤ iat + 3600, sub; the POST with
 *   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…; the answer is an access
 *   token only). Errors as that page's "Error codes" lists them: unauthorized_client (401, the
 *   client id not authorised for delegation or for a requested scope), invalid_grant (the JWT's
 *   signature or times, or "Invalid email or User ID" for a `sub` outside the domains).
 * - users.list: https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list
 *   (customer=my_customer, maxResults 1–500 default 100, pageToken/nextPageToken, users[] with
 *   primaryEmail, emails[], name, suspended, isMailboxSetup; the scope
 *   https://www.googleapis.com/auth/admin.directory.user.readonly; an administrator's call).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBed } from './fidelity-helpers';
import type { GoogleTestbed } from './testbed';

const AUTH = 'https://www.googleapis.com/auth/';
const CALENDAR = `${AUTH}calendar`;
const DIRECTORY = `${AUTH}admin.directory.user.readonly`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const SA = {
  clientId: '118000000000000000001',
  clientEmail: 'tandem@acme-project.iam.gserviceaccount.com',
  publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};

let bed: GoogleTestbed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(async () => bed.close());
beforeEach(async () => {
  bed.emulator.control.reset();
  const made = await control('/workspace', {
    domain: 'acme.test',
    serviceAccount: SA,
    users: [
      { email: 'it@acme.test', name: 'It Admin', isAdmin: true },
      { email: 'ann@acme.test', name: 'Ann Archer', aliases: ['a.archer@acme.test'] },
      { email: 'sus@acme.test', name: 'Sue Suspended', suspended: true },
      { email: 'nomail@acme.test', name: 'No Mail', hasMailbox: false },
    ],
    generate: { count: 6, prefix: 'learner' },
  });
  expect(made.status).toBe(201);
  expect(
    (
      await control('/delegation', {
        domain: 'acme.test',
        clientId: SA.clientId,
        scopes: [CALENDAR, DIRECTORY],
      })
    ).status,
  ).toBe(200);
});

function control(path: string, body: unknown) {
  return fetch(`${bed.url}/__control/google${path}`, { method: 'POST', body: JSON.stringify(body) });
}

function jwt(
  claims: Record<string, unknown>,
  key = privateKey,
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' },
): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part(header)}.${part({
    iss: SA.clientEmail,
    scope: CALENDAR,
    aud: 'https://oauth2.googleapis.com/token',
    iat: now,
    exp: now + 3600,
    sub: 'ann@acme.test',
    ...claims,
  })}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

async function exchange(assertion: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${bed.url}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function tokenFor(sub: string, scope: string): Promise<string> {
  const answer = await exchange(jwt({ sub, scope }));
  expect(answer.status).toBe(200);
  return String(answer.body['access_token']);
}

async function listUsers(token: string, query: string) {
  const response = await fetch(`${bed.url}/admin/directory/v1/users?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  // Wire JSON: tests index into it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (await response.json()) as any };
}

describe('JWT bearer grant (domain-wide delegation)', () => {
  it('issues an access token only (no refresh token) that acts as the subject', async () => {
    const answer = await exchange(jwt({}));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(answer.body['refresh_token']).toBeUndefined();
    const calendars = await fetch(`${bed.url}/calendar/v3/users/me/calendarList`, {
      headers: { authorization: `Bearer ${String(answer.body['access_token'])}` },
    });
    const body = (await calendars.json()) as { items: { id: string }[] };
    expect(body.items.map((item) => item.id)).toEqual(['ann@acme.test']);
  });

  it('refuses a JWT signed by another key: 400 invalid_grant "Invalid JWT Signature."', async () => {
    expect(await exchange(jwt({}, other.privateKey))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
    });
  });

  it('refuses a service account it does not know: 400 invalid_grant', async () => {
    const answer = await exchange(jwt({ iss: 'nobody@x.iam.gserviceaccount.com' }));
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('invalid_grant');
  });

  it('requires the real token URL as aud (googleapis sends it whatever the base URL)', async () => {
    const answer = await exchange(jwt({ aud: `${bed.url}/token` }));
    expect(answer.status).toBe(400);
    expect(answer.body['error']).toBe('invalid_grant');
  });

  it('refuses a lifetime over an hour, or an expired JWT', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const times of [
      { iat: now, exp: now + 3601 },
      { iat: now - 7200, exp: now - 3600 },
    ]) {
      const answer = await exchange(jwt(times));
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toBe('invalid_grant');
      expect(String(answer.body['error_description'])).toMatch(/Check your iat and exp values/);
    }
  });

  it('refuses a scope the Workspace admin did not authorise: 401 unauthorized_client', async () => {
    const answer = await exchange(jwt({ scope: `${CALENDAR} ${AUTH}gmail.readonly` }));
    expect(answer.status).toBe(401);
    expect(answer.body['error']).toBe('unauthorized_client');
  });

  it('refuses every scope once the delegation is removed: 401 unauthorized_client', async () => {
    await control('/delegation', { domain: 'acme.test', clientId: SA.clientId, scopes: [] });
    const answer = await exchange(jwt({}));
    expect(answer.status).toBe(401);
    expect(answer.body['error']).toBe('unauthorized_client');
  });

  it('refuses a sub outside the domain: 400 invalid_grant "Invalid email or User ID"', async () => {
    expect(await exchange(jwt({ sub: 'organizer@northbridge.test' }))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid email or User ID' },
    });
  });
});

describe('Admin SDK Directory users.list', () => {
  it('lists the domain for an administrator, paged by nextPageToken', async () => {
    const token = await tokenFor('it@acme.test', DIRECTORY);
    const seen: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await listUsers(
        token,
        `customer=my_customer&maxResults=4${pageToken ? `&pageToken=${pageToken}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.kind).toBe('admin#directory#users');
      expect(page.body.users.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.users.map((user: { primaryEmail: string }) => user.primaryEmail));
      pageToken = page.body.nextPageToken ?? '';
      pages += 1;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(10);
    expect(seen).toContain('learner6@acme.test');
  });

  it('gives primaryEmail, emails[], name, suspended and isMailboxSetup', async () => {
    const page = await listUsers(
      await tokenFor('it@acme.test', DIRECTORY),
      'customer=my_customer&maxResults=500',
    );
    const byEmail = new Map(
      page.body.users.map((user: { primaryEmail: string }) => [user.primaryEmail, user]),
    );
    expect(byEmail.get('ann@acme.test')).toMatchObject({
      kind: 'admin#directory#user',
      name: { givenName: 'Ann', familyName: 'Archer', fullName: 'Ann Archer' },
      suspended: false,
      emails: [{ address: 'ann@acme.test', primary: true }, { address: 'a.archer@acme.test' }],
    });
    expect(byEmail.get('sus@acme.test')).toMatchObject({ suspended: true });
    expect(byEmail.get('nomail@acme.test')).toMatchObject({ isMailboxSetup: false });
  });

  it('caps maxResults at 500 (400 above)', async () => {
    const token = await tokenFor('it@acme.test', DIRECTORY);
    expect((await listUsers(token, 'customer=my_customer&maxResults=501')).status).toBe(400);
  });

  it('needs the admin.directory.user.readonly scope: 403 insufficientPermissions', async () => {
    const page = await listUsers(await tokenFor('it@acme.test', CALENDAR), 'customer=my_customer');
    expect(page.status).toBe(403);
    expect(page.body.error.errors[0].reason).toBe('insufficientPermissions');
  });

  it('answers a non-administrator 403 "Not Authorized to access this resource/api"', async () => {
    const page = await listUsers(await tokenFor('ann@acme.test', DIRECTORY), 'customer=my_customer');
    expect(page.status).toBe(403);
    expect(page.body.error.message).toBe('Not Authorized to access this resource/api');
  });
});
