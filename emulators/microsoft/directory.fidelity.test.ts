import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryTenantSpec } from './directory';
import { MICROSOFT_SEED_PATH } from './seed';
import { startMicrosoftEmulator, type MicrosoftEmulator } from './server';
import { graphFetch } from './test-client';

/**
 * Pins enterprise access to Microsoft 365 (PROVIDERS.md "Enterprise access"), raw HTTP:
 * - admin consent: https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent
 *   (`/{tenant}/v2.0/adminconsent?client_id&redirect_uri&state` → `admin_consent=True&tenant=…`)
 * - client credentials before consent: AADSTS700016 "was not found in the directory … not been
 *   installed by the administrator of the tenant" (the app has no service principal there)
 * - GET /users: https://learn.microsoft.com/en-us/graph/api/user-list and
 *   https://learn.microsoft.com/en-us/graph/paging ($top 1–999, `@odata.nextLink` with `$skiptoken`)
 */

const APP = {
  clientId: 'ent-app-1',
  clientSecret: 'ent-secret-1',
  redirectUris: ['http://127.0.0.1:9/consented'],
};
const TENANT: DirectoryTenantSpec = {
  tenantId: '11111111-2222-4333-8444-555555555555',
  domain: 'contoso.test',
  app: APP,
  users: [
    { email: 'it.admin@contoso.test', displayName: 'IT Admin', isAdmin: true },
    { email: 'ann@contoso.test', displayName: 'Ann' },
    { email: 'bob@contoso.test', displayName: 'Bob', hasMailbox: false },
    { email: 'cy@contoso.test', displayName: 'Cy', accountEnabled: false },
  ],
};

let emulator: MicrosoftEmulator;
beforeAll(async () => {
  emulator = await startMicrosoftEmulator({ port: 0, seed: MICROSOFT_SEED_PATH });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  const made = await control('/directory-tenant', TENANT);
  expect(made.status).toBe(201);
});

function control(path: string, body: unknown) {
  return fetch(`${emulator.url}/__control${path}`, { method: 'POST', body: JSON.stringify(body) });
}

function appTokenRequest(tenant: string, app = APP) {
  return fetch(`${emulator.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
}

async function consent(tenant = 'contoso.test', account = 'it.admin@contoso.test') {
  const form = new URLSearchParams({
    client_id: APP.clientId,
    redirect_uri: APP.redirectUris[0] ?? '',
    state: 'st-1',
    account,
  });
  return fetch(`${emulator.url}/${tenant}/v2.0/adminconsent`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
}

async function appToken(): Promise<string> {
  const response = await appTokenRequest('contoso.test');
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('admin consent and app-only tokens', () => {
  it('refuses client credentials before an admin consents, with AADSTS700016', async () => {
    const response = await appTokenRequest('contoso.test');
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: string;
      error_codes: number[];
      error_description: string;
    };
    expect(body.error).toBe('unauthorized_client');
    expect(body.error_codes).toEqual([700016]);
    expect(body.error_description).toMatch(/not been installed by the administrator of the tenant/);
  });

  it('shows the consent page, and redirects with admin_consent=True and the tenant id', async () => {
    const query = new URLSearchParams({
      client_id: APP.clientId,
      redirect_uri: APP.redirectUris[0] ?? '',
      state: 'st-1',
    });
    const page = await fetch(`${emulator.url}/contoso.test/adminconsent?${query}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Calendars.ReadWrite');
    expect(html).toContain('it.admin@contoso.test');
    expect(html).not.toContain('ann@contoso.test');

    const accepted = await consent();
    expect(accepted.status).toBe(302);
    const location = new URL(accepted.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(APP.redirectUris[0]);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      admin_consent: 'True',
      tenant: TENANT.tenantId,
      state: 'st-1',
    });
    expect((await appTokenRequest('contoso.test')).status).toBe(200);
    expect((await appTokenRequest(TENANT.tenantId)).status).toBe(200);
  });

  it('answers access_denied when the admin cancels, and refuses a non-admin', async () => {
    const form = new URLSearchParams({
      client_id: APP.clientId,
      redirect_uri: APP.redirectUris[0] ?? '',
      deny: '1',
    });
    const denied = await fetch(`${emulator.url}/contoso.test/adminconsent`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(new URL(denied.headers.get('location') ?? '').searchParams.get('error')).toBe('access_denied');
    expect((await consent('contoso.test', 'ann@contoso.test')).status).toBe(403);
    expect((await appTokenRequest('contoso.test')).status).toBe(400);
  });
});

describe('Graph with an app-only token', () => {
  it('lists the tenant directory in pages through @odata.nextLink, mail null without mailbox', async () => {
    await consent();
    const token = await appToken();
    const seen: Record<string, unknown>[] = [];
    let url = '/users?$select=id,mail,userPrincipalName,accountEnabled&$top=2';
    for (let pages = 0; url; pages += 1) {
      expect(pages).toBeLessThan(5);
      const response = await graphFetch(emulator.url, token, url);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        value: Record<string, unknown>[];
        '@odata.nextLink'?: string;
      };
      expect(body.value.length).toBeLessThanOrEqual(2);
      seen.push(...body.value);
      url = body['@odata.nextLink'] ?? '';
      if (url) expect(url).toMatch(/\$skiptoken=/);
    }
    expect(seen.map((u) => u.userPrincipalName).sort()).toEqual([
      'ann@contoso.test',
      'bob@contoso.test',
      'cy@contoso.test',
      'it.admin@contoso.test',
    ]);
    expect(seen.find((u) => u.userPrincipalName === 'bob@contoso.test')?.mail).toBeNull();
    expect(seen.find((u) => u.userPrincipalName === 'cy@contoso.test')?.accountEnabled).toBe(false);
    expect(Object.keys(seen[0] ?? {}).sort()).toEqual(['accountEnabled', 'id', 'mail', 'userPrincipalName']);
    const tooBig = await graphFetch(emulator.url, token, '/users?$top=1000');
    expect(tooBig.status).toBe(400);
  });

  it('reaches the tenant mailboxes only: other tenants are invalid users, no mailbox is MailboxNotEnabledForRESTAPI', async () => {
    await consent();
    const token = await appToken();
    expect((await graphFetch(emulator.url, token, '/users/ann@contoso.test/calendars')).status).toBe(200);
    const outside = await graphFetch(emulator.url, token, '/users/learner1@northbridge.test/calendars');
    expect(outside.status).toBe(404);
    expect(await outside.json()).toMatchObject({ error: { code: 'ErrorInvalidUser' } });
    const noMailbox = await graphFetch(emulator.url, token, '/users/bob@contoso.test/calendars');
    expect(noMailbox.status).toBe(404);
    expect(await noMailbox.json()).toMatchObject({ error: { code: 'MailboxNotEnabledForRESTAPI' } });
    // The profile of a user without a mailbox is still readable.
    expect((await graphFetch(emulator.url, token, '/users/bob@contoso.test')).status).toBe(200);
  });

  it('refuses what the consented permissions do not cover', async () => {
    await control('/directory-tenant', {
      ...TENANT,
      users: [],
      app: { ...APP, applicationPermissions: ['User.Read.All'] },
    });
    await consent();
    const directoryOnly = await appToken();
    const calendars = await graphFetch(emulator.url, directoryOnly, '/users/ann@contoso.test/calendars');
    expect(calendars.status).toBe(403);
    expect(await calendars.json()).toMatchObject({ error: { code: 'ErrorAccessDenied' } });

    await control('/directory-tenant', {
      ...TENANT,
      users: [],
      app: { ...APP, applicationPermissions: ['Calendars.ReadWrite'] },
    });
    await consent();
    const calendarsOnly = await appToken();
    const users = await graphFetch(emulator.url, calendarsOnly, '/users');
    expect(users.status).toBe(403);
    expect(await users.json()).toMatchObject({ error: { code: 'Authorization_RequestDenied' } });
    expect((await graphFetch(emulator.url, calendarsOnly, '/users/ann@contoso.test/calendars')).status).toBe(
      200,
    );
  });
});
