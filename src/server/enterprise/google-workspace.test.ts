/**
 * Enterprise access to Google Workspace end to end against the Google emulator (JWT bearer grant,
 * domain-wide delegation, Admin SDK users.list) and the real database: set-up errors in plain
 * words, the directory preview, the bulk-add job connecting through the service account, members'
 * calendars read through the same Google adapter, removal, and other tenants seeing none of it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleTestbed, type GoogleTestbed } from '@/emulators/google/testbed';
import { auditLog, calendarConnections } from '@/server/db/schema';
import type { JobDeps } from '@/server/jobs/definition';
import { ProviderAuthRevokedError } from '@/server/providers/errors';
import { googleEndpointsAt } from '@/server/providers/google';
import { provisionTenant } from '@/server/tenants/provisioning';
import { runBulkAddJobs } from '@/tests/support/bulk-add-jobs';
import { callProcedure, describeOutcome, sessionOf, TEST_KEY_RING, TEST_NOW } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createEmulatorRegistry } from '@/tests/support/emulator-registry';
import { createTestTenant } from '@/tests/support/fixtures';
import { offlineMailer } from '@/tests/support/offline-mailer';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { createEnterpriseAccess, GOOGLE_WORKSPACE_SCOPES } from './access';
import type { BulkRunView } from './bulk-runs';
import type { Preview } from './preview';
import type { EnterpriseOverview } from './setup';

const DOMAIN = 'workspace-suite.test';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_FILE = {
  type: 'service_account',
  project_id: 'tandem-suite',
  private_key_id: 'a1b2c3',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  client_email: 'tandem@tandem-suite.iam.gserviceaccount.com',
  client_id: '104000000000000000042',
  token_uri: 'https://oauth2.googleapis.com/token',
};
const LEARNERS = ['ann', 'bob', 'cy', 'dee', 'eve'];

let database: TestDatabase;
let bed: GoogleTestbed;
let tenantId: string;
const ids = new Map<string, string>();
const jobs = new RecordingDispatcher();

const as = (handle: string) => ({ userId: ids.get(handle) ?? '', tenantId });
const access = () => createEnterpriseAccess({ microsoft: {}, google: googleEndpointsAt(bed.url) });

function call(session: { userId: string; tenantId: string }, path: string, input: unknown) {
  return callProcedure(database.db, session, path, input, { enterprise: access(), jobs });
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

function delegate(scopes: readonly string[]) {
  bed.emulator.control.delegate(DOMAIN, KEY_FILE.client_id, [...scopes]);
}

const save = (keyJson?: string) =>
  call(as('it'), 'enterprise.saveGoogle', {
    domain: DOMAIN,
    directoryAdmin: `it@${DOMAIN}`,
    ...(keyJson === undefined ? {} : { keyJson }),
  });
const test = (address: string) =>
  ok<{ ok: boolean; message?: string; calendars?: string[] }>(as('it'), 'enterprise.test', {
    provider: 'google',
    address,
  });

beforeAll(async () => {
  database = await useTestDatabase();
  bed = await startGoogleTestbed();
  bed.emulator.control.addWorkspace({
    domain: DOMAIN,
    serviceAccount: {
      clientId: KEY_FILE.client_id,
      clientEmail: KEY_FILE.client_email,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    users: [
      { email: `it@${DOMAIN}`, name: 'It Admin', isAdmin: true },
      { email: `ann@${DOMAIN}`, name: 'Ann' },
      { email: `bob@${DOMAIN}`, name: 'Bob', hasMailbox: false },
      { email: `cy@${DOMAIN}`, name: 'Cy', suspended: true },
      // dee is a member of the tenant but not in the directory.
      { email: `eve@${DOMAIN}`, name: 'Eve' },
    ],
  });
  const provisioned = await provisionTenant(database.db, {
    name: 'Workspace suite',
    slug: `workspace-${crypto.randomUUID().slice(0, 8)}`,
    members: [
      {
        email: `it@${DOMAIN}`,
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
});
afterAll(() => bed.close());

describe('setting up Google Workspace', () => {
  it('refuses a bad key file and an administrator outside the domain, in plain words', async () => {
    expect(describeOutcome(await save('{not json'))).toMatch(/^BAD_REQUEST: The key is not valid JSON\./);
    expect(describeOutcome(await save(JSON.stringify({ ...KEY_FILE, type: 'authorized_user' })))).toMatch(
      /^BAD_REQUEST: That is not a service account key file\./,
    );
    expect(
      describeOutcome(
        await save(
          JSON.stringify({
            ...KEY_FILE,
            private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
          }),
        ),
      ),
    ).toMatch(/^BAD_REQUEST: The key file's private key cannot be read\./);
    expect(describeOutcome(await save())).toBe('BAD_REQUEST: Upload the service account key (JSON).');
    const outside = await call(as('it'), 'enterprise.saveGoogle', {
      domain: DOMAIN,
      directoryAdmin: 'it@elsewhere.test',
      keyJson: JSON.stringify(KEY_FILE),
    });
    expect(describeOutcome(outside)).toBe(`BAD_REQUEST: The administrator's address must be in ${DOMAIN}.`);
  });

  it('shows the client id and scopes to authorise, never the key, and Test says what is missing', async () => {
    expect((await save(JSON.stringify(KEY_FILE))).ok).toBe(true);
    const overview = await ok<EnterpriseOverview>(as('it'), 'enterprise.overview', undefined);
    expect(overview.google).toMatchObject({
      provider: 'google',
      domain: DOMAIN,
      clientId: KEY_FILE.client_id,
      serviceAccountEmail: KEY_FILE.client_email,
      directoryAdmin: `it@${DOMAIN}`,
      status: 'untested',
      permissions: [
        'https://www.googleapis.com/auth/calendar.events',
        'https://www.googleapis.com/auth/calendar.readonly',
        'https://www.googleapis.com/auth/admin.directory.user.readonly',
      ],
    });
    expect(JSON.stringify(overview)).not.toContain('PRIVATE KEY');

    // Nothing authorised yet in the Admin console.
    expect((await test(`ann@${DOMAIN}`)).message).toMatch(/^Domain-wide delegation is not granted/);
    // The calendar scopes only: reading the directory is refused.
    delegate(GOOGLE_WORKSPACE_SCOPES.slice(0, 2));
    expect((await test(`ann@${DOMAIN}`)).message).toMatch(/or a scope is missing/);

    delegate(GOOGLE_WORKSPACE_SCOPES);
    expect((await test(`someone@elsewhere.test`)).message).toBe(
      `someone@elsewhere.test is not an active user of the Workspace domain “${DOMAIN}”.`,
    );
    expect((await test(`cy@${DOMAIN}`)).message).toBe(
      `cy@${DOMAIN} is not an active user of the Workspace domain “${DOMAIN}”.`,
    );
    expect(await test(`ann@${DOMAIN}`)).toEqual({ ok: true, calendars: [`ann@${DOMAIN}`] });
    const working = await ok<EnterpriseOverview>(as('it'), 'enterprise.overview', undefined);
    expect(working.google?.status).toBe('working');

    // Saving without a file keeps the key (and the service account it belongs to).
    expect((await save()).ok).toBe(true);
    expect(await test(`ann@${DOMAIN}`)).toEqual({ ok: true, calendars: [`ann@${DOMAIN}`] });
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.tenantId, tenantId));
    expect(audited.map((entry) => [entry.action, entry.reason])).toContainEqual([
      'enterprise.configured',
      'Updated, key kept',
    ]);
  });
});

describe('bulk add through Google Workspace', () => {
  it('previews learners against the directory and connects the matched ones with the service account', async () => {
    const preview = await ok<Preview>(as('it'), 'enterprise.preview', {
      provider: 'google',
      selection: { kind: 'learners' },
    });
    expect(Object.fromEntries(preview.rows.map((row) => [row.email, row.status]))).toEqual({
      [`ann@${DOMAIN}`]: 'matched',
      [`bob@${DOMAIN}`]: 'no_mailbox',
      [`cy@${DOMAIN}`]: 'suspended',
      [`dee@${DOMAIN}`]: 'not_in_directory',
      [`eve@${DOMAIN}`]: 'matched',
    });

    const run = await ok<BulkRunView>(as('it'), 'enterprise.startBulk', {
      provider: 'google',
      selection: { kind: 'learners' },
    });
    const deps: JobDeps = {
      db: database.db,
      providers: createEmulatorRegistry({ google: bed, keyRing: TEST_KEY_RING }),
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
    // Through Google's own throttled batch function.
    expect(jobs.sentOf('tandem/bulk-batch.google-requested')).toHaveLength(1);

    const owned = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.tenantId, tenantId));
    expect(owned.map((c) => [c.provider, c.accountEmail]).sort()).toEqual([
      ['google', `ann@${DOMAIN}`],
      ['google', `eve@${DOMAIN}`],
    ]);
    const health = await ok<{ rows: { accountEmail: string; madeBy: string }[] }>(
      as('it'),
      'connectionHealth.list',
      { filter: 'all', page: 1 },
    );
    expect(health.rows.map((row) => row.madeBy)).toEqual(['organisation', 'organisation']);
    // The member's calendars through the ordinary Google adapter, acting by delegation.
    const eve = owned.find((c) => c.accountEmail === `eve@${DOMAIN}`);
    if (!eve) throw new Error('eve was not connected');
    const provider = await deps.providers.forConnection(database.db, eve);
    expect((await provider.listCalendars()).map((calendar) => calendar.externalId)).toEqual([
      `eve@${DOMAIN}`,
    ]);

    // Delegation revoked in the Admin console: the next token is refused, and the connection
    // needs reconnecting as a revoked grant would (a token already issued lives out its hour).
    delegate([]);
    const fresh = createEmulatorRegistry({ google: bed, keyRing: TEST_KEY_RING });
    await expect((await fresh.forConnection(database.db, eve)).listCalendars()).rejects.toBeInstanceOf(
      ProviderAuthRevokedError,
    );
    delegate(GOOGLE_WORKSPACE_SCOPES);
  });

  it('is refused to learners, and other tenants see no Google Workspace set-up', async () => {
    expect(
      describeOutcome(
        await call(as('ann'), 'enterprise.saveGoogle', { domain: DOMAIN, directoryAdmin: `it@${DOMAIN}` }),
      ),
    ).toMatch(/^FORBIDDEN: /);
    const other = await createTestTenant(database.db, 'workspace-outsider');
    const theirs = await ok<EnterpriseOverview>(sessionOf(other.admin), 'enterprise.overview', undefined);
    expect(theirs.google).toBeNull();
    const preview = await call(sessionOf(other.admin), 'enterprise.preview', {
      provider: 'google',
      selection: { kind: 'learners' },
    });
    expect(describeOutcome(preview)).toMatch(/^NOT_FOUND: /);
  });

  it('removal stops the connections made with it', async () => {
    const removed = await ok<{ removedConnections: number }>(as('it'), 'enterprise.remove', {
      provider: 'google',
    });
    expect(removed.removedConnections).toBe(2);
    const left = await database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.tenantId, tenantId));
    expect(left).toEqual([]);
  });
});
