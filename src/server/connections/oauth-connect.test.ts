import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TESTBED_CLIENT, startGoogleTestbed, type GoogleTestbed } from '@/emulators/google/testbed';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { generateKeySpec, parseKeyRing } from '@/server/crypto/secrets';
import { calendarConnections, oauthStates, tenants } from '@/server/db/schema';
import { ProviderAuthRevokedError } from '@/server/providers/errors';
import { GOOGLE_CALENDAR_SCOPES, googleEndpointsAt } from '@/server/providers/google';
import { DELEGATED_SCOPES } from '@/server/providers/microsoft';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { decryptCredentials, encryptCredentials } from './credentials';
import type { OAuthConnectDeps } from './oauth-connect';
import { oauthCallbackRedirect, oauthStartRedirect } from './oauth-routes';
import { createOAuthApps, redirectUriFor, type OAuthApps, type OAuthClients } from './provider-apps';
import { createProviderRegistry } from './provider-registry';

const APP_URL = 'http://127.0.0.1:3000';
const keys = parseKeyRing(generateKeySpec('oauth'));

let database: TestDatabase;
let tenant: TestTenant;
let google: GoogleTestbed;
let ms: MicrosoftTestbed;
let clients: OAuthClients;
let oauthApps: OAuthApps;
let jobs: RecordingDispatcher;
let clock: Date;

function deps(overrides: Partial<OAuthConnectDeps> = {}): OAuthConnectDeps {
  return {
    db: database.db,
    keyRing: () => keys,
    oauthApps,
    jobs,
    now: () => clock,
    appUrl: APP_URL,
    ...overrides,
  };
}

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'oauth');
  [google, ms] = await Promise.all([startGoogleTestbed(), startMicrosoftTestbed()]);
  clients = {
    google: {
      clientId: TESTBED_CLIENT.clientId,
      clientSecret: TESTBED_CLIENT.clientSecret,
      redirectUri: redirectUriFor(APP_URL, 'google'),
      endpoints: googleEndpointsAt(google.url),
    },
    microsoft: { ...ms.app, tenant: 'common' },
  };
  oauthApps = createOAuthApps(clients, APP_URL);
});

afterAll(async () => {
  await Promise.all([google?.close(), ms?.close()]);
});

beforeEach(async () => {
  jobs = new RecordingDispatcher();
  clock = new Date();
  await enableCalendarIntegration(database.db, tenant.tenantId);
});

/** The emulator's consent page, as a person would use it: open it, pick the account. */
async function consentGoogle(authorizationUrl: URL, email: string): Promise<URLSearchParams> {
  const page = await fetch(authorizationUrl);
  const html = await page.text();
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!requestId) throw new Error(`no consent form: ${html.slice(0, 200)}`);
  const decision = await fetch(new URL('/o/oauth2/v2/auth/decision', google.url), {
    method: 'POST',
    body: new URLSearchParams({ request: requestId, account: email }),
    redirect: 'manual',
  });
  return callbackQuery(decision, 'google');
}

async function consentMicrosoft(authorizationUrl: URL, email: string): Promise<URLSearchParams> {
  const page = await fetch(authorizationUrl);
  expect(await page.text()).toContain(email);
  // The page's form posts the query's parameters back with the chosen account.
  const form = new URLSearchParams(authorizationUrl.searchParams);
  form.set('account', email);
  const decision = await fetch(`${authorizationUrl.origin}${authorizationUrl.pathname}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  return callbackQuery(decision, 'microsoft');
}

function callbackQuery(response: Response, provider: string): URLSearchParams {
  const location = new URL(response.headers.get('location') ?? 'about:blank');
  expect(`${location.origin}${location.pathname}`).toBe(`${APP_URL}/api/connections/${provider}/callback`);
  return location.searchParams;
}

const start = (
  member: { userId: string; tenantId: string },
  provider: string,
  query = '',
  overrides: Partial<OAuthConnectDeps> = {},
) => oauthStartRedirect(deps(overrides), member, provider, new URLSearchParams(query));
const callback = (
  member: { userId: string; tenantId: string },
  provider: string,
  query: URLSearchParams,
  overrides: Partial<OAuthConnectDeps> = {},
) => oauthCallbackRedirect(deps(overrides), member, provider, query);

function expectSettings(url: URL, params: Record<string, string>) {
  expect(`${url.origin}${url.pathname}`).toBe(`${APP_URL}/settings/calendars`);
  expect(Object.fromEntries(url.searchParams)).toEqual(params);
}

async function connectionOf(member: { userId: string; tenantId: string }, provider: 'google' | 'microsoft') {
  return database.db
    .select()
    .from(calendarConnections)
    .where(
      and(
        eq(calendarConnections.tenantId, member.tenantId),
        eq(calendarConnections.userId, member.userId),
        eq(calendarConnections.provider, provider),
      ),
    );
}

describe('connecting Google', () => {
  it('goes from start through consent to a stored, encrypted, active connection and an import', async () => {
    const consentUrl = await start(tenant.learner, 'google');
    expect(`${consentUrl.origin}${consentUrl.pathname}`).toBe(`${google.url}/o/oauth2/v2/auth`);
    expect(consentUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consentUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(consentUrl.searchParams.get('scope')?.split(' ').sort()).toEqual(
      [...GOOGLE_CALENDAR_SCOPES].sort(),
    );
    expect(consentUrl.searchParams.get('redirect_uri')).toBe(`${APP_URL}/api/connections/google/callback`);
    const state = consentUrl.searchParams.get('state') ?? '';
    const [pending] = await database.db.select().from(oauthStates).where(eq(oauthStates.state, state));
    expect(pending).toMatchObject({
      tenantId: tenant.tenantId,
      userId: tenant.learner.userId,
      provider: 'google',
    });
    expect(pending?.expiresAt.getTime()).toBe(clock.getTime() + 10 * 60_000);
    expect(pending?.encryptedCodeVerifier).toMatch(/^v1\.oauth\./);

    const query = await consentGoogle(consentUrl, 'organizer@northbridge.test');
    expectSettings(await callback(tenant.learner, 'google', query), { connected: 'google' });

    const [connection] = await connectionOf(tenant.learner, 'google');
    expect(connection).toMatchObject({
      accountEmail: 'organizer@northbridge.test',
      status: 'active',
      lastError: null,
    });
    const credentials = decryptCredentials(keys, connection?.encryptedCredentials ?? '');
    if (credentials.kind !== 'oauth') throw new Error('expected OAuth credentials');
    expect(credentials.refreshToken).toBeTruthy();
    expect(connection?.encryptedCredentials).not.toContain(credentials.accessToken);
    expect(connection?.encryptedCredentials).not.toContain(credentials.refreshToken);
    expect(jobs.sentOf('tandem/connection.added')).toEqual([
      { tenantId: tenant.tenantId, connectionId: connection?.id },
    ]);
    expect(await database.db.select().from(oauthStates).where(eq(oauthStates.state, state))).toEqual([]);

    // The app's registry acts as the account with what was stored.
    const registry = createProviderRegistry({ keyRing: () => keys, clients });
    const calendars = await (await registry.forConnection(database.db, connection!)).listCalendars();
    expect(
      calendars.some(
        (calendar) => calendar.isPrimary && calendar.externalId === 'organizer@northbridge.test',
      ),
    ).toBe(true);
  });

  it('refuses a state used twice, an expired one, and another user’s', async () => {
    const consentUrl = await start(tenant.tutor, 'google');
    const query = await consentGoogle(consentUrl, 'attendee@northbridge.test');

    // Another member of the same tenant cannot finish it, and does not burn it.
    expectSettings(await callback(tenant.otherLearner, 'google', query), { error: 'expired' });
    expect(await connectionOf(tenant.otherLearner, 'google')).toEqual([]);

    expectSettings(await callback(tenant.tutor, 'google', query), { connected: 'google' });
    expectSettings(await callback(tenant.tutor, 'google', query), { error: 'expired' });
    expect(jobs.sentOf('tandem/connection.added')).toHaveLength(1);

    const late = await start(tenant.tutor, 'google');
    const lateQuery = await consentGoogle(late, 'attendee@northbridge.test');
    const elevenMinutesLater = new Date(clock.getTime() + 11 * 60_000);
    expectSettings(await callback(tenant.tutor, 'google', lateQuery, { now: () => elevenMinutesLater }), {
      error: 'expired',
    });

    // A state issued for Google is no good on the Microsoft callback.
    const crossed = await consentGoogle(await start(tenant.tutor, 'google'), 'attendee@northbridge.test');
    expectSettings(await callback(tenant.tutor, 'microsoft', crossed), { error: 'expired' });
  });

  it('a cancelled consent connects nothing and forgets the attempt', async () => {
    const consentUrl = await start(tenant.otherLearner, 'google');
    const state = consentUrl.searchParams.get('state') ?? '';
    const query = new URLSearchParams({ state, error: 'access_denied' });
    expectSettings(await callback(tenant.otherLearner, 'google', query), { error: 'denied' });
    expect(await database.db.select().from(oauthStates).where(eq(oauthStates.state, state))).toEqual([]);
    expect(await connectionOf(tenant.otherLearner, 'google')).toEqual([]);
  });

  it('saves refreshed tokens back, encrypted', async () => {
    const query = await consentGoogle(await start(tenant.admin, 'google'), 'third@northbridge.test');
    expectSettings(await callback(tenant.admin, 'google', query), { connected: 'google' });
    const [connection] = await connectionOf(tenant.admin, 'google');
    const before = decryptCredentials(keys, connection!.encryptedCredentials);
    if (before.kind !== 'oauth') throw new Error('expected OAuth credentials');
    // As if the access token had expired: the adapter refreshes before calling.
    const expired = { ...before, expiresAt: new Date(Date.now() - 60_000).toISOString() };
    const stale = { ...connection!, encryptedCredentials: encryptCredentials(keys, expired) };
    await createProviderRegistry({ keyRing: () => keys, clients })
      .forConnection(database.db, stale)
      .then((provider) => provider.listCalendars());
    const [after] = await connectionOf(tenant.admin, 'google');
    const refreshed = decryptCredentials(keys, after!.encryptedCredentials);
    if (refreshed.kind !== 'oauth') throw new Error('expected OAuth credentials');
    expect(refreshed.accessToken).not.toBe(before.accessToken);
    expect(refreshed.refreshToken).toBe(before.refreshToken);
    expect(new Date(refreshed.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(after!.encryptedCredentials).not.toContain(refreshed.accessToken);
  });

  it('reconnects after access was revoked: same connection, active again, new tokens', async () => {
    const member = tenant.learner;
    const [connection] = await connectionOf(member, 'google');
    google.emulator.control.revokeGrants('organizer@northbridge.test');
    const registry = createProviderRegistry({ keyRing: () => keys, clients });
    await expect(
      (await registry.forConnection(database.db, connection!)).listCalendars(),
    ).rejects.toBeInstanceOf(ProviderAuthRevokedError);
    await database.db
      .update(calendarConnections)
      .set({ status: 'needs_reauth', lastError: 'Access was revoked' })
      .where(
        and(eq(calendarConnections.tenantId, member.tenantId), eq(calendarConnections.id, connection!.id)),
      );

    const consentUrl = await start(member, 'google', `reconnect=${connection!.id}`);
    expect(consentUrl.searchParams.get('login_hint')).toBe('organizer@northbridge.test');
    expectSettings(
      await callback(member, 'google', await consentGoogle(consentUrl, 'organizer@northbridge.test')),
      { connected: 'google' },
    );

    const [after, ...others] = await connectionOf(member, 'google');
    expect(others).toEqual([]);
    expect(after).toMatchObject({ id: connection!.id, status: 'active', lastError: null });
    expect(after!.encryptedCredentials).not.toBe(connection!.encryptedCredentials);
    await expect(
      (await registry.forConnection(database.db, after!)).listCalendars(),
    ).resolves.not.toHaveLength(0);
    expect(jobs.sentOf('tandem/connection.added')).toEqual([
      { tenantId: member.tenantId, connectionId: connection!.id },
    ]);
  });

  it('refuses a reconnect made with another account', async () => {
    const [connection] = await connectionOf(tenant.learner, 'google');
    const consentUrl = await start(tenant.learner, 'google', `reconnect=${connection!.id}`);
    expectSettings(
      await callback(tenant.learner, 'google', await consentGoogle(consentUrl, 'third@northbridge.test')),
      {
        error: 'wrong_account',
      },
    );
    expect(await connectionOf(tenant.learner, 'google')).toHaveLength(1);
  });
});

describe('gating', () => {
  it('refuses to start or finish when the tenant has the integration off or the provider not allowed', async () => {
    const consentUrl = await start(tenant.otherLearner, 'google');
    const query = await consentGoogle(consentUrl, 'third@northbridge.test');

    await enableCalendarIntegration(database.db, tenant.tenantId, ['microsoft', 'caldav']);
    expectSettings(await start(tenant.otherLearner, 'google'), { error: 'not_allowed' });
    expectSettings(await callback(tenant.otherLearner, 'google', query), { error: 'not_allowed' });

    await database.db
      .update(tenants)
      .set({ calendarIntegrationEnabled: false })
      .where(eq(tenants.id, tenant.tenantId));
    expectSettings(await start(tenant.otherLearner, 'microsoft'), { error: 'not_allowed' });
    expect(await connectionOf(tenant.otherLearner, 'google')).toEqual([]);
    expect(jobs.sent).toEqual([]);
  });

  it('sends people who are not signed in to sign in, and says when a provider is not set up', async () => {
    const signIn = await oauthStartRedirect(deps(), null, 'google', new URLSearchParams());
    expect(`${signIn.pathname}${signIn.search}`).toBe('/sign-in?next=%2Fsettings%2Fcalendars');
    expectSettings(await start(tenant.learner, 'google', '', { oauthApps: { ...oauthApps, google: null } }), {
      error: 'not_configured',
    });
    expectSettings(await start(tenant.learner, 'yahoo'), { error: 'not_configured' });
  });
});

describe('connecting Microsoft', () => {
  it('connects a work account through the consent page', async () => {
    const consentUrl = await start(tenant.tutor, 'microsoft');
    expect(consentUrl.pathname).toBe('/common/oauth2/v2.0/authorize');
    expect(consentUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consentUrl.searchParams.get('scope')).toBe(DELEGATED_SCOPES.join(' '));
    const query = await consentMicrosoft(consentUrl, 'tutor1@northbridge.test');
    expectSettings(await callback(tenant.tutor, 'microsoft', query), { connected: 'microsoft' });

    const [connection] = await connectionOf(tenant.tutor, 'microsoft');
    expect(connection).toMatchObject({
      accountEmail: 'tutor1@northbridge.test',
      displayName: 'Priya Shah',
      status: 'active',
    });
    const credentials = decryptCredentials(keys, connection!.encryptedCredentials);
    if (credentials.kind !== 'oauth') throw new Error('expected OAuth credentials');
    expect(credentials.accountKind).toBe('work');
    expect(connection!.encryptedCredentials).not.toContain(credentials.accessToken);
    expect(connection!.encryptedCredentials).not.toContain(credentials.refreshToken);
    const provider = await createProviderRegistry({ keyRing: () => keys, clients }).forConnection(
      database.db,
      connection!,
    );
    expect(provider.capabilities.freeBusyQuery).toBe(true);
    expect((await provider.listCalendars()).some((calendar) => calendar.isPrimary)).toBe(true);
  });

  it('connects a personal account when asked, and reconnects it after a revoke', async () => {
    const member = tenant.otherLearner;
    await enableCalendarIntegration(database.db, tenant.tenantId);
    const consentUrl = await start(member, 'microsoft', 'account=personal');
    expectSettings(
      await callback(member, 'microsoft', await consentMicrosoft(consentUrl, 'sam.personal@outlook.test')),
      { connected: 'microsoft' },
    );
    const [connection] = await connectionOf(member, 'microsoft');
    const registry = createProviderRegistry({ keyRing: () => keys, clients });
    expect((await registry.forConnection(database.db, connection!)).capabilities.freeBusyQuery).toBe(false);

    ms.emulator.store.revokeAccount(ms.emulator.store.accountByIdOrEmail('sam.personal@outlook.test')!.id);
    await database.db
      .update(calendarConnections)
      .set({ status: 'needs_reauth', lastError: 'Access was revoked' })
      .where(
        and(eq(calendarConnections.tenantId, member.tenantId), eq(calendarConnections.id, connection!.id)),
      );
    const again = await start(member, 'microsoft', `reconnect=${connection!.id}`);
    expect(again.searchParams.get('login_hint')).toBe('sam.personal@outlook.test');
    expectSettings(
      await callback(member, 'microsoft', await consentMicrosoft(again, 'sam.personal@outlook.test')),
      { connected: 'microsoft' },
    );
    const [after] = await connectionOf(member, 'microsoft');
    expect(after).toMatchObject({ id: connection!.id, status: 'active', lastError: null });
    const credentials = decryptCredentials(keys, after!.encryptedCredentials);
    expect(credentials.kind === 'oauth' && credentials.accountKind).toBe('personal');
    await expect(
      (await registry.forConnection(database.db, after!)).listCalendars(),
    ).resolves.not.toHaveLength(0);
  });
});
