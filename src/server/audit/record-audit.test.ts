/** The audit log takes entries and keeps them: the database refuses changes and direct deletes. */
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, tenants } from '@/server/db/schema';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { recordAudit } from './record-audit';

let database: TestDatabase;
let tenant: TestTenant;
const AT = new Date('2026-03-02T10:00:00Z');

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'audit-record');
});

describe('recordAudit', () => {
  it('appends an entry with its target and result', async () => {
    await recordAudit(database.db, {
      tenantId: tenant.tenantId,
      actorUserId: tenant.admin.userId,
      action: 'connection.removed',
      target: { userId: tenant.learner.userId, label: 'Google · learner@gmail.test' },
      result: 'ok',
      at: AT,
    });
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.tenantId, tenant.tenantId));
    expect(rows).toEqual([
      expect.objectContaining({
        actorUserId: tenant.admin.userId,
        action: 'connection.removed',
        targetUserId: tenant.learner.userId,
        targetLabel: 'Google · learner@gmail.test',
        result: 'ok',
        reason: null,
        at: AT,
      }),
    ]);
  });

  it('refuses UPDATE and DELETE at the database', async () => {
    await expect(
      database.db.update(auditLog).set({ result: 'failed' }).where(eq(auditLog.tenantId, tenant.tenantId)),
    ).rejects.toThrow();
    await expect(
      database.db.delete(auditLog).where(eq(auditLog.tenantId, tenant.tenantId)),
    ).rejects.toThrow();
    await expect(database.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.tenantId, tenant.tenantId));
    expect(rows.map((row) => row.result)).toEqual(['ok']);
  });

  it('goes with its tenant', async () => {
    const doomed = await createTestTenant(database.db, 'audit-doomed');
    await recordAudit(database.db, {
      tenantId: doomed.tenantId,
      actorUserId: null,
      action: 'integration.enabled',
      result: 'ok',
      at: AT,
    });
    await database.db.delete(tenants).where(eq(tenants.id, doomed.tenantId));
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.tenantId, doomed.tenantId));
    expect(rows).toEqual([]);
  });
});
