import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { XMLBuilder } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test support: the connect runs against the EWS emulator over HTTPS.
import { startEwsEmulator, type EwsEmulator } from '@/emulators/ews/server';
import { DEFAULT_PASSWORD } from '@/emulators/ews/store';
import { NTLM_DOMAIN } from '@/emulators/ews/ntlm';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { generateKeySpec, parseKeyRing } from '../crypto/secrets';
import { calendarConnections, calendars, externalEvents } from '../db/schema';
import { EXCHANGE_CHECK_MESSAGES } from '../providers/ews';
import { UNREACHABLE_SERVER_MESSAGE } from './server-address';
import { AUTODISCOVER_FOUND_NOTHING } from './exchange-connect';
import type { EventWrite } from '../providers/types';
import { refreshCalendarList } from '../sync/calendar-list';
import { syncCalendar } from '../sync/sync-calendar';
import { decryptCredentials } from './credentials';
import { createProviderRegistry, type ProviderRegistry } from './provider-registry';

const keys = parseKeyRing(generateKeySpec('ews'));
const ALEX = 'alex.morgan@northbridge-college.test';
const PRIYA = 'priya.shah@northbridge-college.test';

let database: TestDatabase;
let tenant: TestTenant;
let emulator: EwsEmulator;
let registry: ProviderRegistry;
const jobs = new RecordingDispatcher();

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'ews');
  await enableCalendarIntegration(database.db, tenant.tenantId, ['caldav', 'ews']);
  emulator = await startEwsEmulator();
  // As outside production: the emulator is on loopback.
  registry = createProviderRegistry({
    keyRing: () => keys,
    clients: { google: null, microsoft: null },
    caldavAddressPolicy: { allowLoopback: true },
  });
});
afterAll(() => emulator?.close());

function connect(
  member: { userId: string; tenantId: string },
  input: unknown,
  providers = registry,
  autodiscoverCandidates?: (domain: string) => string[],
) {
  return callProcedure(database.db, sessionOf(member), 'connections.connectExchange', input, {
    providers,
    jobs,
    keyRing: () => keys,
    ...(autodiscoverCandidates ? { autodiscoverCandidates } : {}),
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

async function mirrorOf(calendarId: string): Promise<(string | null)[]> {
  const rows = await database.db
    .select({ title: externalEvents.title })
    .from(externalEvents)
    .where(and(eq(externalEvents.tenantId, tenant.tenantId), eq(externalEvents.calendarId, calendarId)));
  return rows.map((row) => row.title);
}

const untouchable: ProviderRegistry = {
  forConnection: () => Promise.reject(new Error('no provider may be contacted')),
};

/** An HTTPS server answering every POX Autodiscover request with `ewsUrl`. */
async function startLyingAutodiscover(ewsUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const certs = new URL('../../../emulators/microsoft/certs/', import.meta.url);
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  const body = builder.build({
    Autodiscover: {
      '@_xmlns': 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
      Response: {
        '@_xmlns': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
        Account: { AccountType: 'email', Action: 'settings', Protocol: { Type: 'EXPR', EwsUrl: ewsUrl } },
      },
    },
  });
  const server = createServer(
    {
      key: readFileSync(new URL('emulator-key.pem', certs)),
      cert: readFileSync(new URL('emulator-cert.pem', certs)),
    },
    (request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(body);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/autodiscover/autodiscover.xml`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function eventWrite(title: string): EventWrite {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * 86_400_000);
  return {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time: { kind: 'timed', start, end: new Date(start.getTime() + 3_600_000), timeZone: 'Europe/London' },
    recurrence: null,
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: false,
  };
}

describe('connecting Exchange Server', () => {
  it('with the server address only: finds EWS, stores the NTLM credentials encrypted, imports, polls, resyncs, and needs reconnecting after a 401', async () => {
    const outcome = await connect(tenant.tutor, {
      serverUrl: emulator.url,
      email: 'Alex.Morgan@northbridge-college.test',
      username: `${NTLM_DOMAIN}\\alex.morgan`,
      password: DEFAULT_PASSWORD,
      auth: 'ntlm',
    });
    expect(describeOutcome(outcome)).toBe('ok');
    const { connectionId } = (outcome.ok ? outcome.value : {}) as { connectionId: string };
    const [connection] = await connectionsOf(tenant.tutor);
    expect(connection).toMatchObject({
      id: connectionId,
      provider: 'ews',
      status: 'active',
      accountEmail: ALEX,
    });
    expect(connection!.encryptedCredentials).not.toContain(DEFAULT_PASSWORD);
    expect(decryptCredentials(keys, connection!.encryptedCredentials)).toEqual({
      kind: 'ews',
      endpoint: emulator.endpoint,
      username: `${NTLM_DOMAIN}\\alex.morgan`,
      password: DEFAULT_PASSWORD,
      auth: 'ntlm',
      email: ALEX,
    });
    expect(jobs.sentOf('tandem/connection.added')).toContainEqual({
      tenantId: tenant.tenantId,
      connectionId,
    });

    // The import as the job runs it: the calendar folder, then its events into the mirror.
    const deps = {
      db: database.db,
      providers: registry,
      now: () => new Date(),
      window: { pastDays: 30, futureDays: 120 },
    };
    const { calendarIds } = await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId });
    expect(calendarIds).toHaveLength(1);
    const [calendar] = await database.db.select().from(calendars).where(eq(calendars.id, calendarIds[0]!));
    expect(calendar).toMatchObject({ isWriteTarget: true });
    const ref = { tenantId: tenant.tenantId, calendarId: calendarIds[0]! };
    const imported = await syncCalendar(deps, ref);
    expect(imported).toMatchObject({ mode: 'full', outcome: 'synced' });
    const mirrored = await mirrorOf(ref.calendarId);
    expect(mirrored.length).toBeGreaterThan(0);
    expect(mirrored.length).toBe(imported.upserted);

    // A change made in Exchange comes in by polling SyncFolderItems from the stored SyncState.
    const adapter = await registry.forConnection(database.db, connection!);
    await adapter.createEvent(calendar!.externalId, eventWrite('Staff briefing'));
    const polled = await syncCalendar(deps, ref);
    expect(polled).toMatchObject({ mode: 'incremental', upserted: 1 });
    expect(await mirrorOf(ref.calendarId)).toContain('Staff briefing');

    // A SyncState Exchange no longer knows (ErrorInvalidSyncStateData): a full resync, nothing lost.
    emulator.store.expireSyncStates();
    const resynced = await syncCalendar(deps, ref);
    expect(resynced).toMatchObject({ mode: 'full', cursorExpired: true });
    expect(await mirrorOf(ref.calendarId)).toHaveLength(mirrored.length + 1);

    // The password changed (IIS answers 401): the connection needs reconnecting, the mirror stays.
    emulator.fault({ kind: 'status', status: 401, operation: 'SyncFolderItems', times: 1 });
    expect(await syncCalendar(deps, ref)).toMatchObject({ outcome: 'needs_reauth' });
    const [after] = await connectionsOf(tenant.tutor);
    expect(after).toMatchObject({ status: 'needs_reauth' });
    expect(await mirrorOf(ref.calendarId)).toHaveLength(mirrored.length + 1);
  });

  it('with Basic and the address as user name; the same mailbox again updates its connection', async () => {
    const input = { serverUrl: emulator.endpoint, email: PRIYA, password: DEFAULT_PASSWORD, auth: 'basic' };
    const first = await connect(tenant.learner, input);
    expect(describeOutcome(first)).toBe('ok');
    const second = await connect(tenant.learner, input);
    expect(second.ok && second.value).toEqual(first.ok && first.value);
    const stored = await connectionsOf(tenant.learner);
    expect(stored).toHaveLength(1);
    expect(decryptCredentials(keys, stored[0]!.encryptedCredentials)).toMatchObject({
      username: PRIYA,
      auth: 'basic',
    });
  });

  it('a wrong password, an unreachable server and a server that is not Exchange each get their own message, and store nothing', async () => {
    const member = tenant.otherLearner;
    const base = { email: PRIYA, password: DEFAULT_PASSWORD, auth: 'ntlm' };
    expect(
      describeOutcome(await connect(member, { ...base, serverUrl: emulator.url, password: 'nope' })),
    ).toBe(`BAD_REQUEST: ${EXCHANGE_CHECK_MESSAGES.wrong_password}`);
    expect(describeOutcome(await connect(member, { ...base, serverUrl: 'https://127.0.0.1:9/' }))).toBe(
      `SERVICE_UNAVAILABLE: ${EXCHANGE_CHECK_MESSAGES.unreachable}`,
    );
    expect(describeOutcome(await connect(member, { ...base, serverUrl: `${emulator.url}/owa/` }))).toBe(
      `BAD_REQUEST: ${EXCHANGE_CHECK_MESSAGES.not_exchange}`,
    );
    expect(await connectionsOf(member)).toEqual([]);
  });
});

describe('connecting by email address alone (Autodiscover)', () => {
  it('with the server left empty: Autodiscover at the address’s domain names the EWS address, which is stored and used', async () => {
    const member = (await createTestTenant(database.db, 'ews-autodiscover')).tutor;
    await enableCalendarIntegration(database.db, member.tenantId, ['ews']);
    const domains: string[] = [];
    const outcome = await connect(
      member,
      { serverUrl: '', email: ALEX, password: DEFAULT_PASSWORD, auth: 'ntlm' },
      registry,
      (domain) => {
        domains.push(domain);
        return [`${emulator.url}/autodiscover/autodiscover.xml`];
      },
    );
    expect(describeOutcome(outcome)).toBe('ok');
    expect(domains).toEqual(['northbridge-college.test']);
    const [connection] = await connectionsOf(member);
    expect(decryptCredentials(keys, connection!.encryptedCredentials)).toMatchObject({
      endpoint: emulator.endpoint,
      username: ALEX,
    });
  });

  it('no Autodiscover answer, an unknown address, a refused password, and a discovered address in a private network each get their plain message, and store nothing', async () => {
    const member = tenant.otherLearner;
    const input = { email: PRIYA, password: DEFAULT_PASSWORD, auth: 'basic' };
    const at = (url: string) => () => [url];
    const pox = `${emulator.url}/autodiscover/autodiscover.xml`;
    expect(
      describeOutcome(
        await connect(member, input, registry, at('https://127.0.0.1:9/autodiscover/autodiscover.xml')),
      ),
    ).toBe(`BAD_REQUEST: ${AUTODISCOVER_FOUND_NOTHING}`);
    expect(
      describeOutcome(
        await connect(
          member,
          { ...input, email: 'nobody@northbridge-college.test', username: PRIYA },
          registry,
          at(pox),
        ),
      ),
    ).toBe(`BAD_REQUEST: ${AUTODISCOVER_FOUND_NOTHING}`);
    expect(describeOutcome(await connect(member, { ...input, password: 'nope' }, registry, at(pox)))).toBe(
      `BAD_REQUEST: ${EXCHANGE_CHECK_MESSAGES.wrong_password}`,
    );
    // An Autodiscover answer naming an address inside a private network: refused before any request.
    const lying = await startLyingAutodiscover('https://10.0.0.7/EWS/Exchange.asmx');
    try {
      expect(describeOutcome(await connect(member, input, untouchable, at(lying.url)))).toBe(
        `SERVICE_UNAVAILABLE: ${UNREACHABLE_SERVER_MESSAGE}`,
      );
    } finally {
      await lying.close();
    }
    expect(await connectionsOf(member)).toEqual([]);
  });
});

describe('the stored server address on every use', () => {
  it('passes the address guard for sync and for writes, not only at connect: loopback, refused in production, is never contacted', async () => {
    const member = (await createTestTenant(database.db, 'ews-guard')).tutor;
    await enableCalendarIntegration(database.db, member.tenantId, ['ews']);
    const outcome = await connect(member, {
      serverUrl: emulator.endpoint,
      email: ALEX,
      password: DEFAULT_PASSWORD,
      auth: 'basic',
    });
    expect(describeOutcome(outcome)).toBe('ok');
    const deps = (providers: ProviderRegistry) => ({
      db: database.db,
      providers,
      now: () => new Date(),
      window: { pastDays: 30, futureDays: 120 },
    });
    const { connectionId } = (outcome.ok ? outcome.value : {}) as { connectionId: string };
    const { calendarIds } = await refreshCalendarList(deps(registry), {
      tenantId: member.tenantId,
      connectionId,
    });
    const ref = { tenantId: member.tenantId, calendarId: calendarIds[0]! };
    const [connection] = await connectionsOf(member);
    const [calendar] = await database.db.select().from(calendars).where(eq(calendars.id, ref.calendarId));

    // The same stored connection, read by a production registry (strict policy).
    const production = createProviderRegistry({
      keyRing: () => keys,
      clients: { google: null, microsoft: null },
    });
    const requestsBefore = [...emulator.counts.values()].reduce((sum, count) => sum + count, 0);
    await expect(syncCalendar(deps(production), ref)).rejects.toThrow(/the server address is not reachable/);
    const adapter = await production.forConnection(database.db, connection!);
    await expect(adapter.createEvent(calendar!.externalId, eventWrite('Never sent'))).rejects.toThrow(
      /the server address is not reachable/,
    );
    // A name that resolves into a private network is refused by the socket's lookup.
    const { createEwsProvider } = await import('../providers/ews/provider');
    const named = createEwsProvider({
      endpoint: 'https://mail.northbridge-college.test/EWS/Exchange.asmx',
      username: ALEX,
      password: DEFAULT_PASSWORD,
      auth: 'ntlm',
      email: ALEX,
      resolver: async () => [{ address: '192.168.4.20', family: 4 }],
    });
    await expect(named.listCalendars()).rejects.toThrow(/the server address is not reachable/);
    expect([...emulator.counts.values()].reduce((sum, count) => sum + count, 0)).toBe(requestsBefore);
  });
});

describe('gating', () => {
  it('is FORBIDDEN when the tenant does not allow Exchange Server, before any server is contacted', async () => {
    const other = await createTestTenant(database.db, 'ews-off');
    await enableCalendarIntegration(database.db, other.tenantId, ['google', 'caldav']);
    const input = { serverUrl: emulator.url, email: ALEX, password: DEFAULT_PASSWORD, auth: 'basic' };
    expect(describeOutcome(await connect(other.tutor, input, untouchable))).toBe(
      'FORBIDDEN: Your organisation does not allow Exchange Server connections.',
    );
    // Another tenant's member connecting the same mailbox gets a connection of their own, never the first tenant's.
    expect(await connectionsOf(other.tutor)).toEqual([]);
  });
});
