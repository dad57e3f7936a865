/**
 * The OAuth connect's edges an attacker reaches: malformed callback queries (a NUL byte in `state`
 * used to reach PostgreSQL and answer 500) and the oauth_states table, which must stay bounded.
 */
import { NextRequest } from 'next/server';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKeySpec, parseKeyRing } from '@/server/crypto/secrets';
import { oauthStates } from '@/server/db/schema';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { beginOAuthConnect, type OAuthConnectDeps } from './oauth-connect';
import { oauthCallbackRedirect } from './oauth-routes';
import { MAX_PENDING_CONNECTS_PER_MEMBER } from './oauth-states';
import { createOAuthApps, redirectUriFor } from './provider-apps';

vi.mock('server-only', () => ({}));
// The route's real dependencies need Next's server runtime; a malformed query must not reach them.
const { oauthRouteRedirect } = vi.hoisted(() => ({
  oauthRouteRedirect: vi.fn(() => Promise.resolve(new URL('http://127.0.0.1:3000/settings/calendars'))),
}));
vi.mock('./oauth-routes', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./oauth-routes')>()),
  oauthRouteRedirect,
}));
vi.mock('@/server/app-deps', () => ({ appDeps: () => Promise.resolve({}) }));
vi.mock('@/server/auth/config', () => ({ currentIdentity: () => Promise.resolve(null) }));

const APP_URL = 'http://127.0.0.1:3000';
let database: TestDatabase;
let tenant: TestTenant;
const keys = parseKeyRing(generateKeySpec('oauth-states'));

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'oauth-states');
  await enableCalendarIntegration(database.db, tenant.tenantId);
});

function deps(): OAuthConnectDeps {
  return {
    db: database.db,
    keyRing: () => keys,
    oauthApps: createOAuthApps(
      {
        google: {
          clientId: 'client.apps.googleusercontent.com',
          clientSecret: 'secret',
          redirectUri: redirectUriFor(APP_URL, 'google'),
        },
        microsoft: null,
      },
      APP_URL,
    ),
    jobs: new RecordingDispatcher(),
    now: () => new Date(),
    appUrl: APP_URL,
  };
}

async function pendingState(member: { tenantId: string; userId: string }, state: string, expiresAt: Date) {
  await database.db.insert(oauthStates).values({
    state,
    tenantId: member.tenantId,
    userId: member.userId,
    provider: 'google',
    encryptedCodeVerifier: 'x',
    expiresAt,
  });
}

describe('the OAuth callback with a malformed query', () => {
  it.each([
    ['a NUL in state, cancelled', { state: 'abc\u0000def', error: 'access_denied' }],
    ['a NUL in state, with a code', { state: 'abc\u0000def', code: 'a-code' }],
    ['a newline in state', { state: 'abc\ndef', error: 'access_denied' }],
  ])('the service refuses %s without touching the database', async (_name, query) => {
    const url = await oauthCallbackRedirect(deps(), tenant.learner, 'google', new URLSearchParams(query));
    expect(`${url.origin}${url.pathname}`).toBe(`${APP_URL}/settings/calendars`);
    expect(url.searchParams.get('error')).toBe('expired');
  });

  it('the route answers a plain 400 that echoes nothing', async () => {
    const { GET } = await import('@/app/api/connections/[provider]/callback/route');
    const request = new NextRequest(
      `${APP_URL}/api/connections/google/callback?state=evil%00%3Cscript%3E&code=c`,
    );
    const response = await GET(request, { params: Promise.resolve({ provider: 'google' }) });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toBe('Bad request');
    expect(oauthRouteRedirect).not.toHaveBeenCalled();
    const wellFormed = new NextRequest(
      `${APP_URL}/api/connections/google/callback?state=abc&code=4%2F0Ab-c_d&scope=a%20b`,
    );
    expect((await GET(wellFormed, { params: Promise.resolve({ provider: 'google' }) })).status).toBe(302);
  });
});

describe('oauth_states stays bounded', () => {
  const start = (member: { tenantId: string; userId: string }, now: Date) =>
    beginOAuthConnect({ ...deps(), now: () => now }, member, { provider: 'google' });

  it('a new connect sweeps every expired row, in any tenant', async () => {
    const other = await createTestTenant(database.db, 'oauth-states-other');
    const now = new Date('2026-03-02T10:00:00Z');
    await pendingState(other.learner, 'expired-elsewhere', new Date(now.getTime() - 1));
    await pendingState(other.tutor, 'still-valid-elsewhere', new Date(now.getTime() + 60_000));
    await start(tenant.learner, now);
    const left = await database.db
      .select({ state: oauthStates.state })
      .from(oauthStates)
      .where(eq(oauthStates.tenantId, other.tenantId));
    expect(left.map((row) => row.state)).toEqual(['still-valid-elsewhere']);
  });

  it('a member looping /start keeps only their newest few attempts', async () => {
    const states: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      const { authorizationUrl } = await start(tenant.tutor, new Date(Date.UTC(2026, 2, 2, 10, 0, index)));
      states.push(new URL(authorizationUrl).searchParams.get('state') ?? '');
    }
    const rows = await database.db
      .select({ state: oauthStates.state })
      .from(oauthStates)
      .where(eq(oauthStates.userId, tenant.tutor.userId));
    expect(rows.map((row) => row.state).sort()).toEqual(
      states.slice(-MAX_PENDING_CONNECTS_PER_MEMBER).sort(),
    );
  });
});
