import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleTestbed, TESTBED_CLIENT, type GoogleTestbed } from '@/emulators/google/testbed';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { generateKeySpec, parseKeyRing, SecretDecryptionError, type KeyRing } from '../crypto/secrets';
import { calendarConnections } from '../db/schema';
import { googleEndpointsAt } from '../providers/google/config';
import { decryptCredentials, encryptCredentials, type ConnectionCredentials } from './credentials';
import { createProviderRegistry, type ConnectionRow } from './provider-registry';

/**
 * Key rotation (TANDEM_ENCRYPTION_KEYS): a new key is put first, and the app's registry
 * re-encrypts each connection's credentials under it the next time it uses them, so the old key
 * can be dropped once every connection has been used. Tested through the registry the app runs.
 */

const OLD = generateKeySpec('old');
const NEW = generateKeySpec('new');
const oldRing = parseKeyRing(OLD);
const rotated = parseKeyRing(`${NEW},${OLD}`);
const newOnly = parseKeyRing(NEW);
const ORGANIZER = 'organizer@northbridge.test';

let database: TestDatabase;
let tenant: TestTenant;
let bed: GoogleTestbed;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'rotation');
  bed = await startGoogleTestbed();
});
afterAll(() => bed.close());

const caldav: ConnectionCredentials = {
  kind: 'caldav',
  serverUrl: 'https://dav.example.test/',
  username: 'learner',
  password: 'app-specific-password',
  email: 'learner@dav.example.test',
};

async function insertConnection(
  provider: 'caldav' | 'google',
  keys: KeyRing,
  credentials: ConnectionCredentials,
): Promise<ConnectionRow> {
  const [row] = await database.db
    .insert(calendarConnections)
    .values({
      tenantId: tenant.tenantId,
      userId: tenant.learner.userId,
      provider,
      accountEmail: `${crypto.randomUUID()}@rotation.test`,
      encryptedCredentials: encryptCredentials(keys, credentials),
    })
    .returning();
  if (!row) throw new Error('no connection row');
  return row;
}

async function stored(id: string): Promise<string> {
  const [row] = await database.db
    .select({ encryptedCredentials: calendarConnections.encryptedCredentials })
    .from(calendarConnections)
    .where(and(eq(calendarConnections.tenantId, tenant.tenantId), eq(calendarConnections.id, id)));
  return row?.encryptedCredentials ?? '';
}

function registryWith(keys: KeyRing) {
  const clients = { google: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) }, microsoft: null };
  return createProviderRegistry({ keyRing: () => keys, clients });
}

describe('after a key rotation', () => {
  it('credentials under the old key still work, and their first use re-encrypts them under the new key', async () => {
    const connection = await insertConnection('caldav', oldRing, caldav);
    const underOldKey = connection.encryptedCredentials;
    expect(underOldKey.startsWith('v1.old.')).toBe(true);

    const provider = await registryWith(rotated).forConnection(database.db, connection);

    expect(provider.capabilities).toBeDefined();
    const reencrypted = await stored(connection.id);
    expect(reencrypted.startsWith('v1.new.')).toBe(true);
    // The old key can now go: the new one alone reads the same credentials.
    expect(decryptCredentials(newOnly, reencrypted)).toEqual(caldav);
    expect(() => decryptCredentials(newOnly, underOldKey)).toThrow(SecretDecryptionError);
  });

  it('credentials already under the current key are not rewritten', async () => {
    const connection = await insertConnection('caldav', rotated, caldav);
    await registryWith(rotated).forConnection(database.db, { ...connection });
    expect(await stored(connection.id)).toBe(connection.encryptedCredentials);
  });

  it('tokens refreshed after the rotation are saved under the new key, keeping the refresh token', async () => {
    const issued = bed.tokens(ORGANIZER);
    const expired: ConnectionCredentials = {
      kind: 'oauth',
      accessToken: 'expired-access-token',
      refreshToken: issued.refreshToken,
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
      scope: issued.scope,
    };
    const connection = await insertConnection('google', oldRing, expired);
    const provider = await registryWith(rotated).forConnection(database.db, connection);

    await provider.listCalendars();

    const saved = await stored(connection.id);
    expect(saved.startsWith('v1.new.')).toBe(true);
    const credentials = decryptCredentials(newOnly, saved);
    expect(credentials).toMatchObject({ kind: 'oauth', refreshToken: issued.refreshToken });
    expect(credentials.kind === 'oauth' && credentials.accessToken).not.toBe('expired-access-token');
  });
});
