import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberships } from '@/server/db/schema';
import { provisionTenant } from '@/server/tenants/provisioning';
import { getCalendarIntegrationSettings } from '@/server/tenants/settings';
import { meetingInput, seedActivity, type TenantActivity } from '@/tests/support/activity';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { snapshotDatabase } from '@/tests/support/snapshot';

let database: TestDatabase;
let tenant: TestTenant;
let activity: TenantActivity;
/** An admin of the same tenant who does not hold Manage Tenant Settings. */
let plainAdmin: { userId: string; tenantId: string };

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'roles');
  activity = await seedActivity(database.db, tenant, 'roles');
  // Provisioned without `permissions`: an admin by role only.
  const provisioned = await provisionTenant(database.db, {
    name: 'Plain admin tenant',
    slug: `plain-${crypto.randomUUID().slice(0, 8)}`,
    members: [
      {
        email: 'plain-admin@roles.test',
        name: 'Plain admin',
        role: 'admin',
        timeZone: 'UTC',
        passwordHash: 'x',
      },
    ],
  });
  plainAdmin = {
    userId: provisioned.userIds.get('plain-admin@roles.test') ?? '',
    tenantId: provisioned.tenantId,
  };
});

async function expectRefused(
  session: { userId: string; tenantId: string },
  path: string,
  input: unknown,
  code: string,
) {
  const before = await snapshotDatabase(database.db);
  const outcome = await callProcedure(database.db, session, path, input);
  expect(describeOutcome(outcome)).toMatch(new RegExp(`^${code}: `));
  expect(await snapshotDatabase(database.db)).toEqual(before);
}

describe('organising meetings', () => {
  it('learners cannot create, update or cancel meetings, even ones they are invited to', async () => {
    const learner = sessionOf(tenant.learner);
    await expectRefused(learner, 'meetings.create', meetingInput([tenant.otherLearner.userId]), 'FORBIDDEN');
    await expectRefused(
      learner,
      'meetings.update',
      { id: activity.meetingId, version: 1, title: 'Mine now' },
      'FORBIDDEN',
    );
    await expectRefused(learner, 'meetings.cancel', { id: activity.meetingId }, 'FORBIDDEN');
  });

  it('tutors can create, update and cancel their meetings', async () => {
    const tutor = sessionOf(tenant.tutor);
    const created = await callProcedure(
      database.db,
      tutor,
      'meetings.create',
      meetingInput([tenant.learner.userId]),
    );
    expect(describeOutcome(created)).toBe('ok');
    const id = created.ok ? (created.value as { id: string }).id : '';
    const renamed = await callProcedure(database.db, tutor, 'meetings.update', {
      id,
      version: 1,
      title: 'Renamed',
    });
    expect(describeOutcome(renamed)).toBe('ok');
    const cancelled = await callProcedure(database.db, tutor, 'meetings.cancel', { id });
    expect(cancelled.ok && (cancelled.value as { status: string }).status).toBe('cancelled');
  });

  it('an invited learner may answer', async () => {
    const answered = await callProcedure(database.db, sessionOf(tenant.learner), 'meetings.respond', {
      id: activity.meetingId,
      response: 'tentative',
    });
    expect(answered.ok && (answered.value as { myResponse: string }).myResponse).toBe('tentative');
  });
});

describe('the member directory (me.members)', () => {
  async function listed(member: { userId: string; tenantId: string }, input?: unknown): Promise<string[]> {
    const outcome = await callProcedure(database.db, sessionOf(member), 'me.members', input);
    if (!outcome.ok) throw new Error(describeOutcome(outcome));
    return (outcome.value as { id: string }[]).map((row) => row.id).sort();
  }
  const everyone = () =>
    [tenant.admin, tenant.tutor, tenant.learner, tenant.otherLearner].map((member) => member.userId).sort();

  it('tutors and admins see every member, to invite them', async () => {
    expect(await listed(tenant.tutor)).toEqual(everyone());
    expect(await listed(tenant.admin)).toEqual(everyone());
    expect(await listed(tenant.tutor, { role: 'learner' })).toEqual(
      [tenant.learner.userId, tenant.otherLearner.userId].sort(),
    );
  });

  it('a learner sees only the tutors who organise their meetings, and nobody else', async () => {
    expect(await listed(tenant.learner)).toEqual([tenant.tutor.userId]);
    expect(await listed(tenant.learner, { role: 'learner' })).toEqual([]);
    expect(await listed(tenant.otherLearner)).toEqual([]);
  });
});

describe('tenant calendar-integration settings', () => {
  const read = 'tenant.calendarIntegration';
  const change = 'tenant.updateCalendarIntegration';

  it.each(['tutor', 'learner', 'otherLearner'] as const)(
    'a %s can neither read nor change them',
    async (member) => {
      await expectRefused(sessionOf(tenant[member]), read, undefined, 'FORBIDDEN');
      await expectRefused(sessionOf(tenant[member]), change, { enabled: true }, 'FORBIDDEN');
    },
  );

  it('an admin without Manage Tenant Settings can neither read nor change them', async () => {
    await expectRefused(plainAdmin, read, undefined, 'FORBIDDEN');
    await expectRefused(plainAdmin, change, { enabled: true }, 'FORBIDDEN');
  });

  it('the admin with Manage Tenant Settings reads and changes them', async () => {
    const admin = sessionOf(tenant.admin);
    const before = await callProcedure(database.db, admin, read, undefined);
    expect(before.ok && before.value).toMatchObject({ enabled: false });
    const after = await callProcedure(database.db, admin, change, {
      enabled: true,
      allowedProviders: ['google', 'caldav'],
    });
    expect(after.ok && after.value).toMatchObject({ enabled: true, allowedProviders: ['google', 'caldav'] });
    expect(await getCalendarIntegrationSettings(database.db, tenant.tenantId)).toMatchObject({
      enabled: true,
    });
  });
});

describe('a member whose membership was deleted', () => {
  it('is UNAUTHORIZED everywhere, even with a session that was valid', async () => {
    const leaver = await createTestTenant(database.db, 'leaver');
    const session = sessionOf(leaver.admin);
    expect(describeOutcome(await callProcedure(database.db, session, 'me.profile', undefined))).toBe('ok');
    await database.db
      .delete(memberships)
      .where(and(eq(memberships.tenantId, leaver.tenantId), eq(memberships.userId, leaver.admin.userId)));
    await expectRefused(session, 'me.profile', undefined, 'UNAUTHORIZED');
    await expectRefused(session, 'tenant.calendarIntegration', undefined, 'UNAUTHORIZED');
    await expectRefused(
      session,
      'tasks.create',
      { title: 'Still here?', dueAt: new Date('2026-03-04T09:00:00Z') },
      'UNAUTHORIZED',
    );
  });
});
