import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { LOOPBACK_ALLOWED } from '@/tests/support/emulator-registry';
import { startRadicale, type RadicaleServer } from '@/tests/support/radicale';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { generateKeySpec, parseKeyRing } from '../crypto/secrets';
import { calendarConnections, calendars } from '../db/schema';
import { CalendarServiceUnavailableError } from '../errors';
import { ProviderUnavailableError } from '../providers/errors';
import { refreshCalendarList } from '../sync/calendar-list';
import { syncCalendar } from '../sync/sync-calendar';
import { connectCalDav } from './caldav-connect';
import { ICLOUD_SERVER_URL } from '../providers/caldav';
import { decryptCredentials } from './credentials';
import { createProviderRegistry, type ProviderRegistry } from './provider-registry';
import { UNREACHABLE_SERVER_MESSAGE } from './server-address';

const keys = parseKeyRing(generateKeySpec('caldav'));
const NO_OAUTH_CLIENTS = { google: null, microsoft: null };
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
  radicale = await startRadicale({
    users: [{ username: 'ann', password: PASSWORD, calendars: ['work', 'home'] }],
  });
  registry = createProviderRegistry({
    keyRing: () => keys,
    clients: NO_OAUTH_CLIENTS,
    caldavAddressPolicy: LOOPBACK_ALLOWED,
  });
});

afterAll(() => radicale?.close());

function connect(member: { userId: string; tenantId: string }, input: unknown, providers = registry) {
  return callProcedure(database.db, sessionOf(member), 'connections.connectCalDav', input, {
    providers,
    jobs,
    keyRing: () => keys,
  });
}

async function connectionsOf(member: { userId: string; tenantId: string }) {
  return database.db
    .select()
    .from(calendarConnections)
    .where(
      and(eq(calendarConnections.tenantId, member.tenantId), eq(calendarConnections.userId, member.userId)),
    );
}

describe('connecting a CalDAV server', () => {
  it('checks the credentials against the server, stores them encrypted and starts the import', async () => {
    const outcome = await connect(tenant.tutor, {
      kind: 'caldav',
      serverUrl: radicale.url,
      username: 'ann',
      password: PASSWORD,
    });
    expect(describeOutcome(outcome)).toBe('ok');
    const { connectionId } = (outcome.ok ? outcome.value : {}) as { connectionId: string };
    const [connection] = await connectionsOf(tenant.tutor);
    expect(connection).toMatchObject({
      id: connectionId,
      provider: 'caldav',
      status: 'active',
      accountEmail: `ann@${new URL(radicale.url).host}`,
    });
    expect(connection!.encryptedCredentials).not.toContain(PASSWORD);
    expect(decryptCredentials(keys, connection!.encryptedCredentials)).toMatchObject({
      kind: 'caldav',
      serverUrl: radicale.url,
      username: 'ann',
      password: PASSWORD,
    });
    expect(jobs.sentOf('tandem/connection.added')).toContainEqual({
      tenantId: tenant.tenantId,
      connectionId,
    });
    const calendars = await (await registry.forConnection(database.db, connection!)).listCalendars();
    expect(calendars.map((calendar) => calendar.name).sort()).toEqual(['home', 'work']);
  });

  it('refuses a wrong password with a plain BAD_REQUEST and stores nothing', async () => {
    const outcome = await connect(tenant.learner, {
      kind: 'caldav',
      serverUrl: radicale.url,
      username: 'ann',
      password: 'nope',
    });
    expect(describeOutcome(outcome)).toBe('BAD_REQUEST: The server refused the user name or password.');
    expect(await connectionsOf(tenant.learner)).toEqual([]);
  });

  it('says when the server cannot be reached', async () => {
    const outcome = await connect(tenant.learner, {
      kind: 'caldav',
      serverUrl: 'http://127.0.0.1:9/',
      username: 'ann',
      password: PASSWORD,
    });
    expect(describeOutcome(outcome)).toMatch(
      /^SERVICE_UNAVAILABLE: The calendar server could not be reached/,
    );
    expect(await connectionsOf(tenant.learner)).toEqual([]);
  });

  it('connecting the same account again updates the connection instead of adding one', async () => {
    const [before] = await connectionsOf(tenant.tutor);
    await database.db
      .update(calendarConnections)
      .set({ status: 'needs_reauth', lastError: 'The password changed' })
      .where(and(eq(calendarConnections.tenantId, tenant.tenantId), eq(calendarConnections.id, before!.id)));
    const outcome = await connect(tenant.tutor, {
      kind: 'caldav',
      serverUrl: radicale.url,
      username: 'ann',
      password: PASSWORD,
    });
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
    const offline = createProviderRegistry({
      keyRing: () => keys,
      clients: NO_OAUTH_CLIENTS,
      caldavFetch: refusing,
    });
    let seen: ReturnType<typeof decryptCredentials> | null = null;
    const inspecting: ProviderRegistry = {
      forConnection(db, connection) {
        expect(connection.provider).toBe('icloud');
        expect(connection.accountEmail).toBe('ann@icloud.test');
        seen = decryptCredentials(keys, connection.encryptedCredentials);
        return offline.forConnection(db, connection);
      },
    };
    const outcome = await connect(
      tenant.learner,
      { kind: 'icloud', username: 'Ann@iCloud.test', password: 'abcd-efgh-ijkl-mnop' },
      inspecting,
    );
    expect(seen).toEqual({
      kind: 'caldav',
      serverUrl: ICLOUD_SERVER_URL,
      username: 'Ann@iCloud.test',
      password: 'abcd-efgh-ijkl-mnop',
      email: 'ann@icloud.test',
    });
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

describe('the address guard in production (strict: no loopback)', () => {
  it('refuses a loopback server at connect with the one unreachable message, and stores nothing', async () => {
    const member = await createTestTenant(database.db, 'caldav-strict');
    await enableCalendarIntegration(database.db, member.tenantId);
    const deps = {
      db: database.db,
      keyRing: () => keys,
      providers: registry,
      jobs,
      now: () => new Date(),
      allowLoopbackServers: false,
    };
    const input = { kind: 'caldav' as const, serverUrl: radicale.url, username: 'ann', password: PASSWORD };
    const refused = await connectCalDav(deps, member.learner, input).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CalendarServiceUnavailableError);
    expect((refused as Error).message).toBe(UNREACHABLE_SERVER_MESSAGE);
    expect(await connectionsOf(member.learner)).toEqual([]);
  });

  it('refuses background syncs of a connection that points at loopback', async () => {
    const [connection] = await connectionsOf(tenant.tutor);
    const [calendar] = await database.db
      .insert(calendars)
      .values({
        tenantId: tenant.tenantId,
        connectionId: connection!.id,
        externalId: radicale.calendarUrl('ann', 'work'),
        name: 'work',
      })
      .onConflictDoNothing()
      .returning();
    const strictRegistry = createProviderRegistry({ keyRing: () => keys, clients: NO_OAUTH_CLIENTS });
    const deps = {
      db: database.db,
      providers: strictRegistry,
      now: () => new Date(),
      window: { pastDays: 30, futureDays: 30 },
    };
    const ref = { tenantId: tenant.tenantId, connectionId: connection!.id };
    await expect(refreshCalendarList(deps, ref)).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(
      syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: calendar!.id }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    const [after] = await connectionsOf(tenant.tutor);
    expect(after?.lastError).toBe('The calendar service could not be reached; we will try again shortly.');
    // The same connection syncs where loopback is allowed: the refusal was the policy's.
    const demoDeps = { ...deps, providers: registry };
    await expect(
      syncCalendar(demoDeps, { tenantId: tenant.tenantId, calendarId: calendar!.id }),
    ).resolves.toMatchObject({ outcome: 'synced' });
  });
});
