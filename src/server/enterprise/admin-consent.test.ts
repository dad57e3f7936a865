/**
 * Microsoft 365 admin consent as it comes back to /admin/calendar: the overview's link carries a
 * sealed state, the Graph emulator's consent page is declined once and then accepted (as
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent describes the two
 * answers), each answer is said in plain words and audited, and answers Tandem did not start for
 * this admin — forged, another admin's, expired — are refused without an audit entry.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryTenantSpec } from '@/emulators/microsoft/directory';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { generateKeySpec, parseKeyRing } from '@/server/crypto/secrets';
import { auditLog, enterpriseConnections } from '@/server/db/schema';
import { provisionTenant } from '@/server/tenants/provisioning';
import { callProcedure, describeOutcome, TEST_KEY_RING, TEST_NOW } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createEnterpriseAccess } from './access';
import { CONSENT_STATE_LIFETIME_MS, sealConsentState } from './consent-state';
import type { EnterpriseOverview } from './setup';

const DOMAIN = 'consent-suite.test';
const APP = { clientId: 'tandem-consent', clientSecret: 'consent-secret' };
const DIRECTORY: DirectoryTenantSpec = {
  tenantId: '33333333-4444-4555-8666-777777777777',
  domain: DOMAIN,
  app: APP,
  users: [
    { email: `it.admin@${DOMAIN}`, displayName: 'IT admin', isAdmin: true },
    { email: `ann@${DOMAIN}`, displayName: 'Ann' },
  ],
};

let database: TestDatabase;
let bed: MicrosoftTestbed;
let tenantId: string;
const ids = new Map<string, string>();

const as = (handle: string) => ({ userId: ids.get(handle) ?? '', tenantId });

function call(handle: string, path: string, input: unknown) {
  return callProcedure(database.db, as(handle), path, input, {
    enterprise: createEnterpriseAccess({
      microsoft: { graphBaseUrl: bed.emulator.url, authorityBaseUrl: bed.emulator.url },
    }),
  });
}

async function ok<T>(handle: string, path: string, input: unknown): Promise<T> {
  const outcome = await call(handle, path, input);
  if (!outcome.ok) throw new Error(`${path}: ${describeOutcome(outcome)}`);
  return outcome.value as T;
}

async function consentLink(handle: string): Promise<URL> {
  const overview = await ok<EnterpriseOverview>(handle, 'enterprise.overview', undefined);
  return new URL(overview.microsoft?.consentUrl ?? '');
}

/** The admin's choice on the emulator's consent page; returns the query Microsoft redirects back with. */
async function answerConsentPage(link: URL, choice: { deny: '1' } | { account: string }) {
  const response = await fetch(new URL(link.pathname, link), {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({ ...Object.fromEntries(link.searchParams), ...choice }),
  });
  expect(response.status).toBe(302);
  const back = new URL(response.headers.get('location') ?? '');
  expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:3000/admin/calendar');
  return Object.fromEntries(back.searchParams);
}

async function consentEntries() {
  return database.db
    .select({ result: auditLog.result, target: auditLog.targetLabel, reason: auditLog.reason })
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, 'enterprise.consent')))
    .orderBy(asc(auditLog.seq));
}

beforeAll(async () => {
  database = await useTestDatabase();
  bed = await startMicrosoftTestbed();
  const response = await fetch(`${bed.emulator.url}/__control/directory-tenant`, {
    method: 'POST',
    body: JSON.stringify(DIRECTORY),
  });
  expect(response.status).toBe(201);
  const admin = (handle: string) => ({
    email: `${handle}@${DOMAIN}`,
    name: handle,
    role: 'admin' as const,
    permissions: ['manage_tenant_settings' as const],
    timeZone: 'UTC',
    passwordHash: 'x',
  });
  const provisioned = await provisionTenant(database.db, {
    name: 'Consent suite',
    slug: `consent-${crypto.randomUUID().slice(0, 8)}`,
    members: [
      admin('it.admin'),
      admin('other.admin'),
      { email: `tutor@${DOMAIN}`, name: 'Tutor', role: 'tutor', timeZone: 'UTC', passwordHash: 'x' },
    ],
  });
  tenantId = provisioned.tenantId;
  for (const [email, id] of provisioned.userIds) ids.set(email.split('@')[0] ?? '', id);
  await ok('it.admin', 'enterprise.saveMicrosoft', {
    directory: DOMAIN,
    clientId: APP.clientId,
    clientSecret: APP.clientSecret,
  });
});
afterAll(() => bed.close());

describe('the admin consent answer on /admin/calendar', () => {
  it('says a declined consent in Microsoft’s words, then a granted one with its tenant, auditing both', async () => {
    const link = await consentLink('it.admin');
    expect(link.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000/admin/calendar');
    expect(link.searchParams.get('state')).toBeTruthy();

    const declined = await answerConsentPage(link, { deny: '1' });
    expect(declined).toMatchObject({ error: 'access_denied', state: link.searchParams.get('state') });
    expect(await ok('it.admin', 'enterprise.acknowledgeConsent', declined)).toEqual({
      outcome: 'declined',
      message: 'Admin consent was declined: AADSTS65004: User declined to consent to access the app.',
    });

    // A failed Test before consent leaves the set-up "not working" with Microsoft's reason.
    const test = await ok<{ ok: boolean }>('it.admin', 'enterprise.test', {
      provider: 'microsoft',
      address: `ann@${DOMAIN}`,
    });
    expect(test.ok).toBe(false);

    const granted = await answerConsentPage(await consentLink('it.admin'), { account: `it.admin@${DOMAIN}` });
    expect(granted).toMatchObject({ admin_consent: 'True', tenant: DIRECTORY.tenantId });
    expect(await ok('it.admin', 'enterprise.acknowledgeConsent', granted)).toEqual({
      outcome: 'granted',
      tenant: DIRECTORY.tenantId,
      message: `Microsoft 365 admin consent granted for tenant ${DIRECTORY.tenantId} — press Test to check access.`,
    });
    // The consent changes what the set-up can do: not known to work until tested again.
    const overview = await ok<EnterpriseOverview>('it.admin', 'enterprise.overview', undefined);
    expect(overview.microsoft).toMatchObject({ status: 'untested', lastError: null });

    expect(await consentEntries()).toEqual([
      {
        result: 'failed',
        target: `Microsoft 365 · ${DOMAIN}`,
        reason: 'Admin consent was declined: AADSTS65004: User declined to consent to access the app.',
      },
      {
        result: 'ok',
        target: `Microsoft 365 · ${DOMAIN}`,
        reason: `Admin consent granted for tenant ${DIRECTORY.tenantId}`,
      },
    ]);
  });

  it('refuses answers it did not start for this admin, and records none of them', async () => {
    const before = await consentEntries();
    const granted = { admin_consent: 'True', tenant: DIRECTORY.tenantId };
    const [row] = await database.db
      .select()
      .from(enterpriseConnections)
      .where(eq(enterpriseConnections.tenantId, tenantId));
    if (!row) throw new Error('no enterprise connection');
    const claims = { tenantId, userId: as('it.admin').userId, enterpriseConnectionId: row.id };
    const notStarted =
      'BAD_REQUEST: This admin consent answer was not started from this page by you, so Tandem ignored it. Open the admin consent link on this page to grant consent.';

    const forged = await call('it.admin', 'enterprise.acknowledgeConsent', { ...granted, state: '12345' });
    expect(describeOutcome(forged)).toBe(notStarted);
    const otherKey = sealConsentState(parseKeyRing(generateKeySpec('other')), claims, TEST_NOW);
    expect(
      describeOutcome(
        await call('it.admin', 'enterprise.acknowledgeConsent', { ...granted, state: otherKey }),
      ),
    ).toBe(notStarted);
    // Another admin's link, answered in this admin's session (a redirect sent to them).
    const theirs = (await consentLink('other.admin')).searchParams.get('state');
    expect(
      describeOutcome(await call('it.admin', 'enterprise.acknowledgeConsent', { ...granted, state: theirs })),
    ).toBe(notStarted);
    const stale = sealConsentState(
      TEST_KEY_RING,
      claims,
      new Date(TEST_NOW.getTime() - CONSENT_STATE_LIFETIME_MS - 1000),
    );
    expect(
      describeOutcome(await call('it.admin', 'enterprise.acknowledgeConsent', { ...granted, state: stale })),
    ).toBe(
      'BAD_REQUEST: The admin consent link had expired before Microsoft answered. Open it again from this page.',
    );
    const mine = (await consentLink('it.admin')).searchParams.get('state');
    expect(
      describeOutcome(await call('tutor', 'enterprise.acknowledgeConsent', { ...granted, state: mine })),
    ).toMatch(/^FORBIDDEN/);
    expect(await consentEntries()).toEqual(before);
  });
});
