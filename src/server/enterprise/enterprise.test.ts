/**
 * Enterprise access to Microsoft 365 end to end against the Graph emulator and the real database:
 * set-up errors in plain words, the CSV preview row by row, the bulk-add job (through
 * @inngest/test's engine) connecting each person once, cancel and resume, re-runs that add only
 * what is missing, and tenant-owned connections as members see them.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryTenantSpec } from '@/emulators/microsoft/directory';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { calendarConnections, notifications } from '@/server/db/schema';
import type { JobDeps } from '@/server/jobs/definition';
import { provisionTenant } from '@/server/tenants/provisioning';
import { callProcedure, describeOutcome, sessionOf, TEST_KEY_RING, TEST_NOW } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createEmulatorRegistry } from '@/tests/support/emulator-registry';
import { runBulkAddJobs } from '@/tests/support/bulk-add-jobs';
import { createTestTenant } from '@/tests/support/fixtures';
import { offlineMailer } from '@/tests/support/offline-mailer';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { createEnterpriseAccess } from './access';
import type { BulkRunView } from './bulk-runs';
import { connectBulkItem } from './bulk-runs';
import type { Preview } from './preview';
import type { EnterpriseOverview } from './setup';

const DOMAIN = 'enterprise-suite.test';
const APP = { clientId: 'tandem-enterprise', clientSecret: 'right-secret' };
const LEARNERS = ['ann', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus'];
const DIRECTORY: DirectoryTenantSpec = {
  tenantId: '22222222-3333-4444-8555-666666666666',
  domain: DOMAIN,
  app: APP,
  users: [
    { email: `it.admin@${DOMAIN}`, displayName: 'IT admin', isAdmin: true },
    { email: `ann@${DOMAIN}`, displayName: 'Ann' },
    { email: `bob@${DOMAIN}`, displayName: 'Bob', hasMailbox: false },
    { email: `cy@${DOMAIN}`, displayName: 'Cy', accountEnabled: false },
    // dee is a member of the tenant but not in the directory.
    { email: `eve@${DOMAIN}`, displayName: 'Eve' },
    { email: `fay@${DOMAIN}`, displayName: 'Fay' },
    { email: `gus@${DOMAIN}`, displayName: 'Gus' },
  ],
};

let database: TestDatabase;
let bed: MicrosoftTestbed;
let tenantId: string;
const ids = new Map<string, string>();
let admin: { userId: string; tenantId: string };
const jobs = new RecordingDispatcher();

function as(handle: string) {
  return { userId: ids.get(handle) ?? '', tenantId };
}

function call(session: { userId: string; tenantId: string }, path: string, input: unknown) {
  return callProcedure(database.db, session, path, input, {
    enterprise: createEnterpriseAccess({
      microsoft: { graphBaseUrl: bed.emulator.url, authorityBaseUrl: bed.emulator.url },
    }),
    jobs,
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

function jobDeps(): JobDeps {
  return {
    db: database.db,
    providers: createEmulatorRegistry({ microsoft: bed, keyRing: TEST_KEY_RING }),
    now: () => TEST_NOW,
    window: { pastDays: 30, futureDays: 90 },
    appUrl: 'http://127.0.0.1:3000',
    pollMinutes: 15,
    jobs,
    mailer: offlineMailer,
    answerLinkKey: Buffer.alloc(32),
    keyRing: () => TEST_KEY_RING,
    enterprise: createEnterpriseAccess({
      microsoft: { graphBaseUrl: bed.emulator.url, authorityBaseUrl: bed.emulator.url },
    }),
  };
}

function runJob(runId: string) {
  return runBulkAddJobs(jobDeps(), jobs, { tenantId, runId });
}

async function consent() {
  const response = await fetch(`${bed.emulator.url}/${DOMAIN}/v2.0/adminconsent`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      client_id: APP.clientId,
      redirect_uri: 'http://127.0.0.1:3000/admin/calendar',
      account: `it.admin@${DOMAIN}`,
    }),
  });
  expect(new URL(response.headers.get('location') ?? '').searchParams.get('admin_consent')).toBe('True');
}

async function ownedConnections() {
  return database.db
    .select()
    .from(calendarConnections)
    .where(and(eq(calendarConnections.tenantId, tenantId)));
}

beforeAll(async () => {
  database = await useTestDatabase();
  bed = await startMicrosoftTestbed();
  const response = await fetch(`${bed.emulator.url}/__control/directory-tenant`, {
    method: 'POST',
    body: JSON.stringify(DIRECTORY),
  });
  expect(response.status).toBe(201);
  const provisioned = await provisionTenant(database.db, {
    name: 'Enterprise suite',
    slug: `enterprise-${crypto.randomUUID().slice(0, 8)}`,
    members: [
      {
        email: `it.admin@${DOMAIN}`,
        name: 'IT admin',
        role: 'admin',
        permissions: ['manage_tenant_settings'],
        timeZone: 'UTC',
        passwordHash: 'x',
      },
      { email: `tutor@${DOMAIN}`, name: 'Tutor', role: 'tutor', timeZone: 'UTC', passwordHash: 'x' },
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
  admin = as('it.admin');
});
afterAll(() => bed.close());

describe('setting up Microsoft 365', () => {
  it('says plainly what is wrong at each step, never shows the secret, then lists calendars', async () => {
    const noSecret = await call(admin, 'enterprise.saveMicrosoft', {
      directory: DOMAIN,
      clientId: APP.clientId,
    });
    expect(describeOutcome(noSecret)).toBe('BAD_REQUEST: Enter the client secret of the app registration.');

    await ok(admin, 'enterprise.saveMicrosoft', {
      directory: DOMAIN,
      clientId: APP.clientId,
      clientSecret: 'wrong-secret',
    });
    const test = (address: string) =>
      ok<{ ok: boolean; message?: string; calendars?: string[] }>(admin, 'enterprise.test', {
        provider: 'microsoft',
        address,
      });
    expect((await test(`ann@${DOMAIN}`)).message).toMatch(/^Microsoft refused the client secret/);

    // The secret is replaced; the rest is kept.
    await ok(admin, 'enterprise.saveMicrosoft', {
      directory: DOMAIN,
      clientId: APP.clientId,
      clientSecret: APP.clientSecret,
    });
    expect((await test(`ann@${DOMAIN}`)).message).toMatch(/^Admin consent has not been given in/);

    await consent();
    expect((await test(`nobody@${DOMAIN}`)).message).toBe(
      `nobody@${DOMAIN} is not a user of the directory “${DOMAIN}”.`,
    );
    expect((await test(`bob@${DOMAIN}`)).message).toBe(`bob@${DOMAIN} has no Exchange Online mailbox.`);
    expect(await test(`ann@${DOMAIN}`)).toEqual({ ok: true, calendars: ['Calendar'] });

    const overview = await ok<EnterpriseOverview>(admin, 'enterprise.overview', undefined);
    expect(overview.microsoft).toMatchObject({ status: 'working', domain: DOMAIN, clientId: APP.clientId });
    expect(overview.microsoft?.permissions).toEqual(['Calendars.ReadWrite', 'User.Read.All']);
    expect(overview.microsoft?.consentUrl).toContain(
      `/${DOMAIN}/v2.0/adminconsent?client_id=${APP.clientId}`,
    );
    expect(JSON.stringify(overview)).not.toContain(APP.clientSecret);
  });

  it('names the missing permission when the consent lacks Calendars.ReadWrite', async () => {
    await fetch(`${bed.emulator.url}/__control/directory-tenant`, {
      method: 'POST',
      body: JSON.stringify({
        ...DIRECTORY,
        users: [],
        app: { ...APP, applicationPermissions: ['User.Read.All'] },
      }),
    });
    await consent();
    const outcome = await ok<{ message: string }>(admin, 'enterprise.test', {
      provider: 'microsoft',
      address: `ann@${DOMAIN}`,
    });
    expect(outcome.message).toMatch(/lacks the application permission Calendars\.ReadWrite/);
    // Back to what Tandem asks for.
    await fetch(`${bed.emulator.url}/__control/directory-tenant`, {
      method: 'POST',
      body: JSON.stringify({ ...DIRECTORY, users: [] }),
    });
    await consent();
  });
});

describe('bulk add', () => {
  it('previews a CSV row by row: unknown, duplicate, malformed and other-tenant addresses', async () => {
    const other = await createTestTenant(database.db, 'elsewhere');
    const otherEmail = (
      await database.db.query.users.findFirst({ where: (u, { eq: is }) => is(u.id, other.learner.userId) })
    )?.email;
    const preview = await ok<Preview>(admin, 'enterprise.preview', {
      provider: 'microsoft',
      selection: {
        kind: 'csv',
        emails: [
          `ann@${DOMAIN}`,
          ` ANN@${DOMAIN} `,
          'not an address',
          `bob@${DOMAIN}`,
          `cy@${DOMAIN}`,
          `dee@${DOMAIN}`,
          `stranger@${DOMAIN}`,
          otherEmail,
        ],
      },
    });
    expect(preview.rows.map((row) => [row.email, row.status])).toEqual([
      [`ann@${DOMAIN}`, 'matched'],
      [`bob@${DOMAIN}`, 'no_mailbox'],
      [`cy@${DOMAIN}`, 'suspended'],
      [`dee@${DOMAIN}`, 'not_in_directory'],
      [`ann@${DOMAIN}`, 'duplicate'],
      ['not an address', 'malformed'],
      [`stranger@${DOMAIN}`, 'not_a_member'],
      [otherEmail, 'not_a_member'],
    ]);
    expect(preview.counts.matched).toBe(1);
  });

  it('connects each matched person once, tells them once, and a re-run adds only what is missing', async () => {
    const run = await ok<BulkRunView>(admin, 'enterprise.startBulk', {
      provider: 'microsoft',
      selection: { kind: 'csv', emails: [`ann@${DOMAIN}`, `bob@${DOMAIN}`, 'junk'] },
    });
    expect(run).toMatchObject({ status: 'running', total: 3, done: 2 });
    expect(await runJob(run.id)).toEqual({ connected: 1 });
    const finished = await ok<BulkRunView>(admin, 'enterprise.bulkRun', { runId: run.id });
    expect(finished.status).toBe('finished');
    expect(finished.items.map((item) => [item.email, item.outcome, item.reason])).toEqual([
      [`ann@${DOMAIN}`, 'connected', null],
      [`bob@${DOMAIN}`, 'skipped', 'no mailbox in the directory'],
      ['junk', 'skipped', 'not an email address'],
    ]);
    const csv = await ok<string>(admin, 'enterprise.bulkRunCsv', { runId: run.id });
    expect(csv.split('\n')[1]).toBe(`"ann@${DOMAIN}","ann","connected",""`);

    // A replayed step connects no one twice.
    const index = finished.items.findIndex((item) => item.email === `ann@${DOMAIN}`);
    expect(
      await connectBulkItem(
        { ...jobDeps(), keyRing: () => TEST_KEY_RING, enterprise: jobDeps().enterprise! },
        { tenantId, runId: run.id, index },
      ),
    ).toBe('done-before');
    const owned = (await ownedConnections()).filter((c) => c.userId === as('ann').userId);
    expect(owned).toHaveLength(1);
    expect(owned[0]?.enterpriseConnectionId).not.toBeNull();
    const notices = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, as('ann').userId)));
    expect(notices.map((n) => n.kind)).toEqual(['calendar_connected_by_organisation']);

    const again = await ok<BulkRunView>(admin, 'enterprise.startBulk', {
      provider: 'microsoft',
      selection: { kind: 'csv', emails: [`ann@${DOMAIN}`] },
    });
    expect(again).toMatchObject({ status: 'finished', total: 1, done: 1 });
    expect(again.items[0]).toMatchObject({ outcome: 'skipped', reason: 'already connected' });
  });

  it('stops when cancelled mid-run and finishes what is left when resumed', async () => {
    const run = await ok<BulkRunView>(admin, 'enterprise.startBulk', {
      provider: 'microsoft',
      selection: { kind: 'learners' },
    });
    const pending = run.items.flatMap((item, index) => (item.outcome === 'pending' ? [index] : []));
    expect(run.items.filter((item) => item.outcome === 'pending').map((item) => item.email)).toEqual([
      `eve@${DOMAIN}`,
      `fay@${DOMAIN}`,
      `gus@${DOMAIN}`,
    ]);
    // The first person is connected, then the admin cancels.
    const deps = { ...jobDeps(), keyRing: () => TEST_KEY_RING, enterprise: jobDeps().enterprise! };
    expect(await connectBulkItem(deps, { tenantId, runId: run.id, index: pending[0] ?? -1 })).toBe(
      'connected',
    );
    const cancelled = await ok<BulkRunView>(admin, 'enterprise.cancelBulk', { runId: run.id });
    expect(cancelled.status).toBe('cancelled');
    expect(await runJob(run.id)).toEqual({});
    expect((await ok<BulkRunView>(admin, 'enterprise.bulkRun', { runId: run.id })).counts).toMatchObject({
      connected: 1,
      pending: 2,
    });

    const resumed = await ok<BulkRunView>(admin, 'enterprise.resumeBulk', { runId: run.id });
    expect(resumed.status).toBe('running');
    expect(await runJob(run.id)).toEqual({ connected: 2 });
    const done = await ok<BulkRunView>(admin, 'enterprise.bulkRun', { runId: run.id });
    expect(done).toMatchObject({ status: 'finished', done: done.total });
    expect(done.counts).toMatchObject({ connected: 3, pending: 0 });
  });

  it('is refused to tutors, learners and other tenants', async () => {
    for (const who of [as('tutor'), as('ann')]) {
      const outcome = await call(who, 'enterprise.overview', undefined);
      expect(describeOutcome(outcome)).toMatch(/^FORBIDDEN: /);
    }
    const other = await createTestTenant(database.db, 'outsider');
    const theirs = await ok<EnterpriseOverview>(sessionOf(other.admin), 'enterprise.overview', undefined);
    expect(theirs.microsoft).toBeNull();
  });
});

describe('tenant-owned connections', () => {
  it('sync through the same adapter, show as connected by the organisation, and only the admin removes them', async () => {
    const [connection] = (await ownedConnections()).filter((c) => c.userId === as('eve').userId);
    if (!connection) throw new Error('eve was not connected');
    const provider = await createEmulatorRegistry({ microsoft: bed, keyRing: TEST_KEY_RING }).forConnection(
      database.db,
      connection,
    );
    expect((await provider.listCalendars()).map((calendar) => calendar.name)).toEqual(['Calendar']);

    const listed = await ok<{ connections: { id: string; connectedByOrganisation: boolean }[] }>(
      as('eve'),
      'connections.list',
      undefined,
    );
    expect(listed.connections).toEqual([
      expect.objectContaining({ id: connection.id, connectedByOrganisation: true }),
    ]);
    const refused = await call(as('eve'), 'connections.disconnect', { connectionId: connection.id });
    expect(describeOutcome(refused)).toMatch(/^FORBIDDEN: This calendar was connected by your organisation/);

    const removed = await ok<{ removedConnections: number }>(admin, 'enterprise.remove', {
      provider: 'microsoft',
    });
    expect(removed.removedConnections).toBe(4);
    expect((await ownedConnections()).filter((c) => c.enterpriseConnectionId !== null)).toEqual([]);
  });
});
