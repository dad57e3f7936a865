/**
 * Enterprise access to Exchange Server on premises end to end against the EWS emulator (an
 * impersonating service account, the ExchangeImpersonation header, ResolveNames) and the real
 * database: set-up by server address or Autodiscover, Test failures in plain words, the preview,
 * the bulk-add job connecting through the service account, members' calendars read through the
 * same EWS adapter as themselves, the role revoked, removal, and other tenants seeing none of it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEwsEmulator, type EwsEmulator } from '@/emulators/ews/server';
import { auditLog, calendarConnections, notifications } from '@/server/db/schema';
import type { JobDeps } from '@/server/jobs/definition';
import { describeNotification } from '@/server/notifications/describe';
import { ProviderAuthRevokedError } from '@/server/providers/errors';
import { provisionTenant } from '@/server/tenants/provisioning';
import { callProcedure, describeOutcome, sessionOf, TEST_KEY_RING, TEST_NOW } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createEmulatorRegistry } from '@/tests/support/emulator-registry';
import { createTestTenant } from '@/tests/support/fixtures';
import { runBulkAddJobs } from '@/tests/support/bulk-add-jobs';
import { offlineMailer } from '@/tests/support/offline-mailer';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { createEnterpriseAccess } from './access';
import type { BulkRunView } from './bulk-runs';
import type { Preview } from './preview';
import type { EnterpriseOverview } from './setup';

const DOMAIN = 'exchange-suite.test';
const SERVICE = { email: `svc-tandem@${DOMAIN}`, name: 'Tandem service', password: 'svc-Secret-1' };
const NO_ROLE = { email: `helpdesk@${DOMAIN}`, name: 'Helpdesk', password: 'helpdesk-Secret-1' };
const LEARNERS = ['ann', 'bob', 'dee', 'eve'];

let database: TestDatabase;
let emulator: EwsEmulator;
let tenantId: string;
const ids = new Map<string, string>();
const jobs = new RecordingDispatcher();

const as = (handle: string) => ({ userId: ids.get(handle) ?? '', tenantId });
// The emulator listens on loopback, which only the demo and tests may reach.
const access = () =>
  createEnterpriseAccess({ microsoft: {}, exchange: { addressPolicy: { allowLoopback: true } } });

function call(session: { userId: string; tenantId: string }, path: string, input: unknown) {
  return callProcedure(database.db, session, path, input, {
    enterprise: access(),
    jobs,
    autodiscoverCandidates: () => [`${emulator.url}/autodiscover/autodiscover.xml`],
  });
}

async function ok<T>(
  session: { userId: string; tenantId: string },
  path: string,
  input: unknown,
): Promise<T> {
  const outcome = await call(session, path, input);
  if (!outcome.ok) throw new Error(`${path}: ${describeOutcome(outcome)}`);
  return outcome.value as T;
}

const save = (input: Record<string, unknown>) =>
  call(as('it'), 'enterprise.saveExchange', { auth: 'basic', ...input });
const test = (address: string) =>
  ok<{ ok: boolean; message?: string; calendars?: string[] }>(as('it'), 'enterprise.test', {
    provider: 'ews_impersonation',
    address,
  });

beforeAll(async () => {
  database = await useTestDatabase();
  emulator = await startEwsEmulator({
    extraMailboxes: [
      { ...SERVICE, impersonates: [DOMAIN] },
      NO_ROLE,
      { email: `ann@${DOMAIN}`, name: 'Ann' },
      { email: `eve@${DOMAIN}`, name: 'Eve' },
    ],
    // bob is a mail contact (no mailbox here); dee is a member of the tenant but not in the directory.
    contacts: [{ email: `bob@${DOMAIN}`, name: 'Bob' }],
  });
  const provisioned = await provisionTenant(database.db, {
    name: 'Exchange suite',
    slug: `exchange-${crypto.randomUUID().slice(0, 8)}`,
    members: [
      {
        email: `it@${DOMAIN}`,
        name: 'IT admin',
        role: 'admin',
        permissions: ['manage_tenant_settings'],
        timeZone: 'UTC',
        passwordHash: 'x',
      },
      ...LEARNERS.map((handle) => ({
        email: `${handle}@${DOMAIN}`,
        name: handle,
        role: 'learner' as const,
        timeZone: 'UTC',
        passwordHash: 'x',
      })),
    ],
  });
  tenantId = provisioned.tenantId;
  for (const [email, id] of provisioned.userIds) ids.set(email.split('@')[0] ?? '', id);
});
afterAll(() => emulator.close());

describe('setting up Exchange impersonation', () => {
  it('asks for a server or an Autodiscover address, and a password the first time', async () => {
    const neither = describeOutcome(await save({ username: SERVICE.email, password: SERVICE.password }));
    expect(neither).toMatch(/^BAD_REQUEST: /);
    expect(neither).toContain('Enter the server address, or an address to find it by Autodiscover.');
    expect(describeOutcome(await save({ serverUrl: emulator.url, username: SERVICE.email }))).toBe(
      'BAD_REQUEST: Enter the password of the service account.',
    );
    expect(
      describeOutcome(
        await save({ autodiscoverEmail: SERVICE.email, username: SERVICE.email, password: 'wrong' }),
      ),
    ).toBe('BAD_REQUEST: Exchange refused that user name and password. Check them and try again.');
  });

  it('finds the server by Autodiscover, shows the role to grant, never the password', async () => {
    expect(
      (await save({ autodiscoverEmail: SERVICE.email, username: SERVICE.email, password: SERVICE.password }))
        .ok,
    ).toBe(true);
    const overview = await ok<EnterpriseOverview>(as('it'), 'enterprise.overview', undefined);
    expect(overview.exchange).toMatchObject({
      provider: 'ews_impersonation',
      domain: emulator.endpoint,
      clientId: SERVICE.email,
      status: 'untested',
      consentUrl: null,
      permissions: ['ApplicationImpersonation'],
      connections: 0,
    });
    expect(JSON.stringify(overview)).not.toContain(SERVICE.password);
  });

  it('Test says what is wrong: role not granted, no such mailbox, wrong password, server unreachable', async () => {
    // An account without the ApplicationImpersonation role.
    expect(
      (await save({ serverUrl: emulator.url, username: NO_ROLE.email, password: NO_ROLE.password })).ok,
    ).toBe(true);
    expect((await test(`ann@${DOMAIN}`)).message).toBe(
      `The service account ${NO_ROLE.email} may not act as ann@${DOMAIN}: it lacks the ApplicationImpersonation role, or the role's scope leaves this mailbox out. Grant it in the Exchange Management Shell (New-ManagementRoleAssignment -Role ApplicationImpersonation -User ${NO_ROLE.email}), then test again.`,
    );
    const failed = await ok<EnterpriseOverview>(as('it'), 'enterprise.overview', undefined);
    expect(failed.exchange).toMatchObject({ status: 'error', lastError: expect.stringMatching(/lacks the/) });

    expect((await save({ serverUrl: emulator.url, username: SERVICE.email, password: 'wrong' })).ok).toBe(
      true,
    );
    expect((await test(`ann@${DOMAIN}`)).message).toBe(
      `Exchange refused the user name and password of ${SERVICE.email}. Check them (user@domain or DOMAIN\\user) and save them again.`,
    );

    // Port 9 (discard) on loopback: nothing listens.
    expect(
      (await save({ serverUrl: 'https://127.0.0.1:9', username: SERVICE.email, password: SERVICE.password }))
        .ok,
    ).toBe(true);
    expect((await test(`ann@${DOMAIN}`)).message).toBe(
      'We could not reach https://127.0.0.1:9/EWS/Exchange.asmx. Check the server address, or try again later.',
    );

    expect(
      (await save({ serverUrl: emulator.url, username: SERVICE.email, password: SERVICE.password })).ok,
    ).toBe(true);
    expect((await test(`nobody@${DOMAIN}`)).message).toBe(
      `nobody@${DOMAIN} has no mailbox on this Exchange Server.`,
    );
    expect(await test(`ann@${DOMAIN}`)).toEqual({ ok: true, calendars: ['Calendar'] });
    const working = await ok<EnterpriseOverview>(as('it'), 'enterprise.overview', undefined);
    expect(working.exchange?.status).toBe('working');

    // Saving without a password keeps it.
    expect((await save({ serverUrl: emulator.url, username: SERVICE.email })).ok).toBe(true);
    expect((await test(`eve@${DOMAIN}`)).ok).toBe(true);
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.tenantId, tenantId));
    expect(audited.map((entry) => [entry.action, entry.reason])).toContainEqual([
      'enterprise.configured',
      'Updated, password kept',
    ]);
  });
});

describe('bulk add through Exchange impersonation', () => {
  it('previews learners by ResolveNames and connects the matched ones as themselves', async () => {
    const resolvesBefore = emulator.counts.get('ResolveNames') ?? 0;
    const preview = await ok<Preview>(as('it'), 'enterprise.preview', {
      provider: 'ews_impersonation',
      selection: { kind: 'learners' },
    });
    expect(Object.fromEntries(preview.rows.map((row) => [row.email, row.status]))).toEqual({
      [`ann@${DOMAIN}`]: 'matched',
      [`bob@${DOMAIN}`]: 'no_mailbox',
      [`dee@${DOMAIN}`]: 'not_in_directory',
      [`eve@${DOMAIN}`]: 'matched',
    });
    // One lookup per chosen person: EWS lists no directory.
    expect(preview.directoryCalls).toBe(4);
    expect((emulator.counts.get('ResolveNames') ?? 0) - resolvesBefore).toBe(4);

    const run = await ok<BulkRunView>(as('it'), 'enterprise.startBulk', {
      provider: 'ews_impersonation',
      selection: { kind: 'learners' },
    });
    const deps: JobDeps = {
      db: database.db,
      providers: createEmulatorRegistry({ keyRing: TEST_KEY_RING }),
      now: () => TEST_NOW,
      window: { pastDays: 30, futureDays: 90 },
      appUrl: 'http://127.0.0.1:3000',
      pollMinutes: 15,
      jobs,
      mailer: offlineMailer,
      answerLinkKey: Buffer.alloc(32),
      keyRing: () => TEST_KEY_RING,
      enterprise: access(),
    };
    expect(await runBulkAddJobs(deps, jobs, { tenantId, runId: run.id })).toEqual({ connected: 2 });

    const owned = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.tenantId, tenantId));
    expect(owned.map((c) => [c.provider, c.accountEmail]).sort()).toEqual([
      ['ews', `ann@${DOMAIN}`],
      ['ews', `eve@${DOMAIN}`],
    ]);
    // Each member is told, in the words of their own calendar.
    const [notice] = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, ids.get('eve') ?? '')));
    if (!notice) throw new Error('eve was not told');
    expect(
      describeNotification(notice.kind as 'calendar_connected_by_organisation', notice.payload, {
        recipientUserId: ids.get('eve') ?? '',
        names: new Map(),
        zone: 'UTC',
        locale: 'en-GB',
      }).text,
    ).toBe(`Your Exchange calendar (eve@${DOMAIN}) is now connected to Tandem by your organisation`);
    // A second preview finds them connected.
    const again = await ok<Preview>(as('it'), 'enterprise.preview', {
      provider: 'ews_impersonation',
      selection: { kind: 'picked', userIds: [ids.get('eve')] },
    });
    expect(again.rows.map((row) => row.status)).toEqual(['already_connected']);

    // Eve's own calendar folder, through the ordinary EWS adapter impersonating her.
    const eve = owned.find((c) => c.accountEmail === `eve@${DOMAIN}`);
    if (!eve) throw new Error('eve was not connected');
    const provider = await deps.providers.forConnection(database.db, eve);
    expect(provider.kind).toBe('ews');
    expect((await provider.listCalendars()).map((calendar) => calendar.externalId)).toEqual([
      emulator.store.mailbox(`eve@${DOMAIN}`)?.calendarFolderId,
    ]);

    // The role taken away from the service account: the connection needs reconnecting.
    const service = emulator.store.mailbox(SERVICE.email);
    if (!service) throw new Error('no service account');
    service.impersonates = [];
    await expect(
      (await deps.providers.forConnection(database.db, eve)).listCalendars(),
    ).rejects.toBeInstanceOf(ProviderAuthRevokedError);
    service.impersonates = [DOMAIN];
  });

  it('is refused to learners, and other tenants see no Exchange set-up', async () => {
    expect(
      describeOutcome(
        await call(as('ann'), 'enterprise.saveExchange', {
          serverUrl: emulator.url,
          username: SERVICE.email,
          auth: 'basic',
        }),
      ),
    ).toMatch(/^FORBIDDEN: /);
    const other = await createTestTenant(database.db, 'exchange-outsider');
    const theirs = await ok<EnterpriseOverview>(sessionOf(other.admin), 'enterprise.overview', undefined);
    expect(theirs.exchange).toBeNull();
    for (const [path, input] of [
      ['enterprise.preview', { provider: 'ews_impersonation', selection: { kind: 'learners' } }],
      ['enterprise.test', { provider: 'ews_impersonation', address: `ann@${DOMAIN}` }],
      ['enterprise.remove', { provider: 'ews_impersonation' }],
    ] as const)
      expect(describeOutcome(await call(sessionOf(other.admin), path, input))).toMatch(/^NOT_FOUND: /);
  });

  it('removal stops the connections made with it', async () => {
    const removed = await ok<{ removedConnections: number }>(as('it'), 'enterprise.remove', {
      provider: 'ews_impersonation',
    });
    expect(removed.removedConnections).toBe(2);
    const left = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.tenantId, tenantId));
    expect(left).toEqual([]);
  });
});
