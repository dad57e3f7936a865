import { generateKeyPairSync } from 'node:crypto';
import type { Database } from '@/server/db/client';
import { bulkRuns, enterpriseConnections } from '@/server/db/schema';
import { sealConsentState } from '@/server/enterprise/consent-state';
import { encryptEnterpriseSecret, findEnterpriseRow } from '@/server/enterprise/secrets';
import { TEST_KEY_RING, TEST_NOW } from './api';
import type { TestTenant } from './fixtures';

/**
 * A tenant's Microsoft 365 set-up (secret under the API suites' key ring) and a bulk run of it in
 * the given state, stored directly (isolation and bad-input suites).
 */
export async function seedBulkRun(
  db: Database,
  tenant: TestTenant,
  status: 'running' | 'cancelled' = 'cancelled',
): Promise<string> {
  const keys = TEST_KEY_RING;
  const [enterprise] = await db
    .insert(enterpriseConnections)
    .values({
      tenantId: tenant.tenantId,
      provider: 'microsoft',
      domain: `seeded-${tenant.tenantId.slice(0, 8)}.test`,
      clientId: 'seeded-app',
      encryptedSecret: encryptEnterpriseSecret(keys, {
        provider: 'microsoft',
        clientSecret: 'seeded-secret',
      }),
      createdBy: tenant.admin.userId,
    })
    .onConflictDoUpdate({
      target: [enterpriseConnections.tenantId, enterpriseConnections.provider],
      set: { clientId: 'seeded-app' },
    })
    .returning({ id: enterpriseConnections.id });
  if (!enterprise) throw new Error('enterprise insert returned nothing');
  const [run] = await db
    .insert(bulkRuns)
    .values({
      tenantId: tenant.tenantId,
      enterpriseConnectionId: enterprise.id,
      createdBy: tenant.admin.userId,
      selection: { kind: 'learners' },
      status,
      total: 1,
      items: [
        {
          userId: tenant.learner.userId,
          email: 'learner@seeded.test',
          name: null,
          outcome: 'pending',
          reason: null,
        },
      ],
    })
    .returning({ id: bulkRuns.id });
  if (!run) throw new Error('bulk run insert returned nothing');
  return run.id;
}

/** A Google Cloud service account key file (a fresh RSA key), as an admin uploads it. */
export function serviceAccountKeyJson(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account',
    project_id: 'suite',
    private_key_id: 'k1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'tandem@suite.iam.gserviceaccount.com',
    client_id: '100000000000000000001',
  });
}

/**
 * The `state` of an admin consent link as the overview makes it (API suites' key ring and clock):
 * for `admin` of `tenant`, naming the Microsoft 365 set-up of `owner` (the tenant's own unless
 * an attack names another's).
 */
export async function adminConsentState(
  db: Database,
  tenant: TestTenant,
  admin: { userId: string } = tenant.admin,
  owner: TestTenant = tenant,
): Promise<string> {
  const row = await findEnterpriseRow(db, owner.tenantId, { provider: 'microsoft' });
  if (!row) throw new Error('no Microsoft 365 set-up to consent to');
  return sealConsentState(
    TEST_KEY_RING,
    { tenantId: tenant.tenantId, userId: admin.userId, enterpriseConnectionId: row.id },
    TEST_NOW,
  );
}
