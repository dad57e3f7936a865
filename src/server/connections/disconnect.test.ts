/**
 * Disconnecting an OAuth connection ends the provider's grant (best effort), through the real
 * tRPC procedure, the app's registry and Google OAuth app, against the Google emulator.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TESTBED_CLIENT, startGoogleTestbed, type GoogleTestbed } from '@/emulators/google/testbed';
import { calendarConnections } from '@/server/db/schema';
import { ProviderAuthRevokedError, ProviderUnavailableError } from '@/server/providers/errors';
import { googleEndpointsAt } from '@/server/providers/google';
import type { OAuthApp } from '@/server/providers/types';
import { callProcedure, describeOutcome, sessionOf, TEST_KEY_RING } from '@/tests/support/api';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { encryptCredentials, oauthCredentials } from './credentials';
import { createOAuthApps, redirectUriFor, type OAuthApps, type OAuthClients } from './provider-apps';
import { createProviderRegistry } from './provider-registry';

const APP_URL = 'http://127.0.0.1:3000';

let database: TestDatabase;
let tenant: TestTenant;
let google: GoogleTestbed;
let clients: OAuthClients;
let oauthApps: OAuthApps;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'disconnect');
  await enableCalendarIntegration(database.db, tenant.tenantId);
  google = await startGoogleTestbed();
  clients = {
    google: {
      clientId: TESTBED_CLIENT.clientId,
      clientSecret: TESTBED_CLIENT.clientSecret,
      redirectUri: redirectUriFor(APP_URL, 'google'),
      endpoints: googleEndpointsAt(google.url),
    },
    microsoft: null,
  };
  oauthApps = createOAuthApps(clients, APP_URL);
});

afterAll(async () => {
  await google?.close();
});

/** A Google connection holding a fresh emulator grant; returns its id and refresh token. */
async function connectGoogle(member: { userId: string; tenantId: string }, email: string) {
  const tokens = google.tokens(email);
  const [row] = await database.db
    .insert(calendarConnections)
    .values({
      tenantId: member.tenantId,
      userId: member.userId,
      provider: 'google',
      accountEmail: email,
      encryptedCredentials: encryptCredentials(TEST_KEY_RING, oauthCredentials(tokens)),
    })
    .returning({ id: calendarConnections.id });
  if (!row || !tokens.refreshToken) throw new Error('no connection or no refresh token');
  return { connectionId: row.id, refreshToken: tokens.refreshToken };
}

function disconnect(
  member: { userId: string; tenantId: string },
  connectionId: string,
  apps: OAuthApps = oauthApps,
) {
  return callProcedure(
    database.db,
    sessionOf(member),
    'connections.disconnect',
    { connectionId },
    { providers: createProviderRegistry({ keyRing: () => TEST_KEY_RING, clients }), oauthApps: apps },
  );
}

async function connectionExists(connectionId: string): Promise<boolean> {
  const rows = await database.db
    .select({ id: calendarConnections.id })
    .from(calendarConnections)
    .where(and(eq(calendarConnections.tenantId, tenant.tenantId), eq(calendarConnections.id, connectionId)));
  return rows.length > 0;
}

describe('disconnecting a Google connection', () => {
  it('revokes the grant: its refresh token no longer refreshes', async () => {
    const { connectionId, refreshToken } = await connectGoogle(tenant.learner, 'organizer@northbridge.test');
    const googleApp = oauthApps.google!;
    await expect(googleApp.refresh(refreshToken)).resolves.toMatchObject({ accessToken: expect.any(String) });

    const outcome = await disconnect(tenant.learner, connectionId);
    expect(outcome.ok, describeOutcome(outcome)).toBe(true);
    expect(await connectionExists(connectionId)).toBe(false);
    await expect(googleApp.refresh(refreshToken)).rejects.toBeInstanceOf(ProviderAuthRevokedError);
  });

  it('still disconnects when the revocation fails, and logs it', async () => {
    const { connectionId, refreshToken } = await connectGoogle(tenant.tutor, 'attendee@northbridge.test');
    const failingRevoke: OAuthApp = {
      ...oauthApps.google!,
      revoke: () => Promise.reject(new ProviderUnavailableError('Google is down')),
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const outcome = await disconnect(tenant.tutor, connectionId, { ...oauthApps, google: failingRevoke });
      expect(outcome.ok, describeOutcome(outcome)).toBe(true);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining(`revoking the grant of connection ${connectionId} failed`),
        expect.any(ProviderUnavailableError),
      );
    } finally {
      warn.mockRestore();
    }
    expect(await connectionExists(connectionId)).toBe(false);
    // Nothing was revoked: the grant is left to expire or to be removed by the user at Google.
    await expect(oauthApps.google!.refresh(refreshToken)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
  });
});
