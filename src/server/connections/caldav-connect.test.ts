import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeySpec, parseKeyRing } from '@/server/crypto/secrets';
import { calendarConnections } from '@/server/db/schema';
import { ICLOUD_SERVER_URL } from '@/server/providers/caldav';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { startRadicale, type RadicaleServer } from '@/tests/support/radicale';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { decryptCredentials } from './credentials';
import { createProviderRegistry, type ProviderRegistry } from './provider-registry';

const keys = parseKeyRing(generateKeySpec('caldav'));
const PASSWORD = 'correct-horse-battery-staple';

let database: TestDatabase;
let tenant: TestTenant;
let radicale: RadicaleServer;
let registry: ProviderRegistry;
const jobs = new RecordingDispatcher();

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'caldav');
  await enableCalendarIntegration(database.db, tenant.tenantId);
  radicale = await startRadicale({ users: [{ username: 'ann', password: PASSWORD, calendars: ['work', 'home'] }] });
  registry = createProviderRegistry({ keyRing: () => keys, clients: { google: null, microsoft: null } });
});

afterAll(() => radicale?.close());

function connect(member: { userId: string; tenantId: string }, input: unknown, providers = registry) {
  return callProcedure(database.db, sessionOf(member), 'connections.connectCalDav', input, { providers, jobs, keyRing: () => keys });
}

async function connectionsOf(member: { userId: string; tenantId: string }) {
  return database.db
    .select()
    .from(calendarConnections)
    .where(and(eq(calendarConnections.tenantId, member.tenantId), eq(calendarConnections.userId, member.userId)));
}

describe('connecting a CalDAV server', () => {
  it('checks the credentials against the server, stores them encrypted and starts the import', async () => {
    const outcome = await connect(tenant.tutor, { kind: 'caldav', serverUrl: radicale.url, username: 'ann', password: PASSWORD });
    expect(describeOutcome(outcome)).toBe('ok');
    const { connectionId } = (outcome.ok ? outcome.value : {}) as { connectionId: string };
    const [connection] = await connectionsOf(tenant.tutor);
    expect(connection).toMatchObject({ id: connectionId, provider: 'caldav', status: 'active', accountEmail: `ann@${new URL(radicale.url).host}` });
    expect(connection!.encryptedCredentials).not.toContain(PASSWORD);
    expect(decryptCredentials(keys, connection!.encryptedCredentials)).toMatchObject({ kind: 'caldav', serverUrl: radicale.url, username: 'ann', password: PASSWORD });
    expect(jobs.sentOf('tandem/connection.added')).toContainEqual({ tenantId: tenant.tenantId, connectionId });
    const calendars = await (await registry.forConnection(database.db, connection!)).listCalendars();
    expect(calendars.map((calendar) => calendar.name).sort()).toEqual(['home', 'work']);
  });

  it('refuses a wrong password with a plain BAD_REQUEST and stores nothing', async () => {
    const outcome = await connect(tenant.learner, { kind: 'caldav', serverUrl: radicale.url, username: 'ann', password: 'nope' });
    expect(describeOutcome(outcome)).toBe('BAD_REQUEST: The server refused the user name or password.');
    expect(await connectionsOf(tenant.learner)).toEqual([]);
  });

  it('says when the server cannot be reached', async () => {
    const outcome = await connect(tenant.learner, { kind: 'caldav', serverUrl: 'http://127.0.0.1:9/', username: 'ann', password: PASSWORD });
    expect(describeOutcome(outcome)).toMatch(/^SERVICE_UNAVAILABLE: The calendar server could not be reached/);
    expect(await connectionsOf(tenant.learner)).toEqual([]);
  });

  it('connecting the same account again updates the connection instead of adding one', async () => {
    const [before] = await connectionsOf(tenant.tutor);
    await database.db
      .update(calendarConnections)
      .set({ status: 'needs_reauth', lastError: 'The password changed' })
      .where(and(eq(calendarConnections.tenantId, tenant.tenantId), eq(calendarConnections.id, before!.id)));
    const outcome = await connect(tenant.tutor, { kind: 'caldav', serverUrl: radicale.url, username: 'ann', password: PASSWORD });
    expect(outcome.ok && outcome.value).toEqual({ connectionId: before!.id });
    const after = await connectionsOf(tenant.tutor);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: 'active', lastError: null });
  });
});

describe('connecting iCloud', () => {
  it('uses Apple’s server with the Apple ID, and explains the app-specific password when refused', async () => {
    const requested: string[] = [];
    const refusing: typeof fetch = async (input) => {
      requested.push(String(input instanceof Request ? input.url : input));
      return new Response('Unauthorized', { status: 401 });
    };
    const offline = createProviderRegistry({ keyRing: () => keys, clients: { google: null, microsoft: null }, caldavFetch: refusing });
    let seen: ReturnType<typeof decryptCredentials> | null = null;
    const inspecting: ProviderRegistry = {
      forConnection(db, connection) {
        expect(connection.provider).toBe('icloud');
        expect(connection.accountEmail).toBe('ann@icloud.test');
        seen = decryptCredentials(keys, connection.encryptedCredentials);
        return offline.forConnection(db, connection);
      },
    };
    const outcome = await connect(tenant.learner, { kind: 'icloud', username: 'Ann@iCloud.test', password: 'abcd-efgh-ijkl-mnop' }, inspecting);
    expect(seen).toEqual({ kind: 'caldav', serverUrl: ICLOUD_SERVER_URL, username: 'Ann@iCloud.test', password: 'abcd-efgh-ijkl-mnop', email: 'ann@icloud.test' });
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.every((url) => url.startsWith(ICLOUD_SERVER_URL))).toBe(true);
    expect(describeOutcome(outcome)).toBe(
      'BAD_REQUEST: The server refused the user name or password. For iCloud, use your Apple ID and an app-specific password.',
    );
    expect(await connectionsOf(tenant.learner)).toEqual([]);
  });
});

describe('gating', () => {
  it('is FORBIDDEN when the integration is off or the provider is not allowed, before any server is contacted', async () => {
    const other = await createTestTenant(database.db, 'caldav-off');
    const untouchable: ProviderRegistry = {
      forConnection: () => Promise.reject(new Error('no provider may be contacted')),
    };
    const input = { kind: 'caldav', serverUrl: radicale.url, username: 'ann', password: PASSWORD };
    expect(describeOutcome(await connect(other.learner, input, untouchable))).toBe(
      'FORBIDDEN: Calendar connections are turned off for your organisation. An administrator can turn them on in Tenant settings.',
    );
    await enableCalendarIntegration(database.db, other.tenantId, ['google', 'icloud']);
    expect(describeOutcome(await connect(other.learner, input, untouchable))).toBe(
      'FORBIDDEN: Your organisation does not allow CalDAV connections.',
    );
    expect(await connectionsOf(other.learner)).toEqual([]);
  });
});
