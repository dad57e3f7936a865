import { createPrivateKey, createPublicKey } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeySpec, parseKeyRing } from '@/server/crypto/secrets';
import type { AuditPage } from '@/server/audit/audit-log';
import { auditLog, enterpriseConnections, memberships, tenants, users } from '@/server/db/schema';
import { openEnterpriseApp } from '@/server/enterprise/secrets';
import { callProcedure, describeOutcome } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { ensureDemoEnterpriseConnections } from './enterprise';
import { seedDemoData } from './seed';

const NOW = new Date('2026-12-02T09:00:00Z');
const APP = { clientId: 'demo-app', clientSecret: 'demo-secret' };

describe('the demo tenants’ enterprise connections', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await useTestDatabase();
    await seedDemoData(database.db, NOW);
  });

  async function rows() {
    return database.db
      .select({
        slug: tenants.slug,
        provider: enterpriseConnections.provider,
        domain: enterpriseConnections.domain,
        row: enterpriseConnections,
      })
      .from(enterpriseConnections)
      .innerJoin(tenants, eq(tenants.id, enterpriseConnections.tenantId))
      .orderBy(tenants.slug);
  }

  it('are saved once, with a key whose public half is what the emulator is told, and kept on later starts', async () => {
    const keys = parseKeyRing(generateKeySpec('demo'));
    const first = await ensureDemoEnterpriseConnections(database.db, keys, () => NOW, APP);
    const again = await ensureDemoEnterpriseConnections(database.db, keys, () => NOW, APP);

    const saved = await rows();
    expect(saved.map(({ slug, provider, domain }) => [slug, provider, domain])).toEqual([
      ['northbridge', 'microsoft', 'northbridge-college.test'],
      ['riverside', 'google', 'riverside.test'],
    ]);
    const google = saved.find(({ provider }) => provider === 'google')?.row;
    if (!google) throw new Error('no Google Workspace set-up');
    const { secret } = openEnterpriseApp(keys, google);
    if (secret.provider !== 'google') throw new Error('not a Google secret');
    const publicHalf = createPublicKey(createPrivateKey(secret.privateKey))
      .export({ type: 'spki', format: 'pem' })
      .toString();
    expect(first.workspace?.serviceAccount).toEqual({
      clientId: google.clientId,
      clientEmail: google.serviceAccountEmail,
      publicKeyPem: publicHalf,
    });
    expect(again.workspace).toEqual(first.workspace);
    expect(first.workspace?.users).toContainEqual({
      email: 'admin@riverside.test',
      name: 'Rita Hughes',
      isAdmin: true,
    });
    expect(first.workspace?.scopes).toContain(
      'https://www.googleapis.com/auth/admin.directory.user.readonly',
    );
  });

  it('leaves each set-up in its tenant’s audit log, by its admin, once (the domain functions wrote it)', async () => {
    // Runs after the first test: two starts, so a repeated start must not add entries.
    const entries = await database.db
      .select({
        slug: tenants.slug,
        action: auditLog.action,
        actor: users.email,
        target: auditLog.targetLabel,
        result: auditLog.result,
        reason: auditLog.reason,
      })
      .from(auditLog)
      .innerJoin(tenants, eq(tenants.id, auditLog.tenantId))
      .leftJoin(users, eq(users.id, auditLog.actorUserId))
      .where(eq(auditLog.action, 'enterprise.configured'))
      .orderBy(tenants.slug);
    expect(entries).toEqual([
      {
        slug: 'northbridge',
        action: 'enterprise.configured',
        actor: 'admin@northbridge.test',
        target: 'Microsoft 365 · northbridge-college.test',
        result: 'ok',
        reason: 'Set up, secret replaced',
      },
      {
        slug: 'riverside',
        action: 'enterprise.configured',
        actor: 'admin@riverside.test',
        target: 'Google Workspace · riverside.test',
        result: 'ok',
        reason: 'Set up, key replaced',
      },
    ]);

    // As each admin reads it on /admin/calendar.
    for (const { slug, actor } of [
      { slug: 'northbridge', actor: 'admin@northbridge.test' },
      { slug: 'riverside', actor: 'admin@riverside.test' },
    ]) {
      const [member] = await database.db
        .select({ userId: users.id, tenantId: tenants.id })
        .from(users)
        .innerJoin(memberships, eq(memberships.userId, users.id))
        .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
        .where(and(eq(users.email, actor), eq(tenants.slug, slug)));
      if (!member) throw new Error(`no ${actor}`);
      const page = await callProcedure(database.db, member, 'auditLog.list', { filters: {}, page: 1 });
      if (!page.ok) throw new Error(describeOutcome(page));
      expect((page.value as AuditPage).entries).toContainEqual(
        expect.objectContaining({ action: 'enterprise.configured', result: 'ok' }),
      );
    }
  });

  it('makes a new Workspace key when the stored one cannot be read with the key ring any more', async () => {
    const before = (await rows()).find(({ provider }) => provider === 'google')?.row;
    const otherKeys = parseKeyRing(generateKeySpec('other'));
    const { workspace } = await ensureDemoEnterpriseConnections(database.db, otherKeys, () => NOW, APP);
    const after = (await rows()).find(({ provider }) => provider === 'google')?.row;
    expect(after?.id).toBe(before?.id);
    expect(after?.encryptedSecret).not.toBe(before?.encryptedSecret);

    if (!after) throw new Error('the Google Workspace set-up is gone');
    const { secret } = openEnterpriseApp(otherKeys, after);
    if (secret.provider !== 'google') throw new Error('not a Google secret');
    expect(workspace?.serviceAccount.publicKeyPem).toBe(
      createPublicKey(createPrivateKey(secret.privateKey)).export({ type: 'spki', format: 'pem' }).toString(),
    );
    expect(await rows()).toHaveLength(2);
  });
});
