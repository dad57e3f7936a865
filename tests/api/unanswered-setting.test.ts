/**
 * Tenant settings → "Unanswered invitations count as" through the real tRPC procedures: Manage
 * Tenant Settings only, one tenant's choice never reaches another's, each change is audited.
 */
import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, tenants } from '@/server/db/schema';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';

let database: TestDatabase;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'unanswered');
  other = await createTestTenant(database.db, 'unanswered-other');
});

async function call(member: { userId: string; tenantId: string }, path: string, input?: unknown) {
  const outcome = await callProcedure(database.db, sessionOf(member), path, input);
  if (!outcome.ok) throw new Error(`${path}: ${describeOutcome(outcome)}`);
  return outcome.value as { unansweredInvitationsCountAs: string };
}

async function storedSetting(tenantId: string) {
  const [row] = await database.db
    .select({ value: tenants.unansweredInvitationsCountAs })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row?.value;
}

describe('unanswered invitations setting', () => {
  it('starts as tentative, is saved by an admin, and the change is audited once', async () => {
    expect((await call(tenant.admin, 'tenant.calendarIntegration')).unansweredInvitationsCountAs).toBe(
      'tentative',
    );
    const saved = await call(tenant.admin, 'tenant.updateCalendarIntegration', {
      unansweredInvitationsCountAs: 'busy',
    });
    expect(saved.unansweredInvitationsCountAs).toBe('busy');
    // The same choice again is no change: nothing more is recorded.
    await call(tenant.admin, 'tenant.updateCalendarIntegration', { unansweredInvitationsCountAs: 'busy' });
    expect(await storedSetting(tenant.tenantId)).toBe('busy');
    const entries = await database.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.tenantId, tenant.tenantId), eq(auditLog.action, 'unanswered_invitations.changed')),
      );
    expect(entries).toEqual([
      expect.objectContaining({
        actorUserId: tenant.admin.userId,
        result: 'ok',
        reason: 'Unanswered invitations count as busy',
      }),
    ]);
  });

  it('another tenant neither sees nor changes it', async () => {
    expect((await call(other.admin, 'tenant.calendarIntegration')).unansweredInvitationsCountAs).toBe(
      'tentative',
    );
    await call(other.admin, 'tenant.updateCalendarIntegration', {
      unansweredInvitationsCountAs: 'tentative',
    });
    await call(other.admin, 'tenant.updateCalendarIntegration', { unansweredInvitationsCountAs: 'busy' });
    await call(other.admin, 'tenant.updateCalendarIntegration', {
      unansweredInvitationsCountAs: 'tentative',
    });
    expect(await storedSetting(tenant.tenantId)).toBe('busy');
    expect(await storedSetting(other.tenantId)).toBe('tentative');
    const theirs = await database.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.tenantId, other.tenantId), eq(auditLog.action, 'unanswered_invitations.changed')),
      )
      .orderBy(asc(auditLog.seq));
    expect(theirs.map((row) => row.reason)).toEqual([
      'Unanswered invitations count as busy',
      'Unanswered invitations count as tentative',
    ]);
  });

  it.each(['learner', 'tutor'] as const)('a %s is FORBIDDEN to read or change it', async (role) => {
    for (const [path, input] of [
      ['tenant.calendarIntegration', undefined],
      ['tenant.updateCalendarIntegration', { unansweredInvitationsCountAs: 'tentative' }],
    ] as const) {
      const outcome = await callProcedure(database.db, sessionOf(tenant[role]), path, input);
      expect(`${path} ${describeOutcome(outcome)}`).toMatch(/ FORBIDDEN: /);
    }
    expect(await storedSetting(tenant.tenantId)).toBe('busy');
  });

  it('refuses anything but tentative or busy', async () => {
    const outcome = await callProcedure(
      database.db,
      sessionOf(tenant.admin),
      'tenant.updateCalendarIntegration',
      {
        unansweredInvitationsCountAs: 'free',
      },
    );
    expect(describeOutcome(outcome)).toMatch(/^BAD_REQUEST: /);
    expect(await storedSetting(tenant.tenantId)).toBe('busy');
  });
});
