/**
 * Connection health and the audit log through the real tRPC procedures: only Manage Tenant
 * Settings opens them, each admin action does what the member's own would and is audited, the
 * table shows connections and never their content, and the log filters, pages, exports and
 * cannot be written or changed by any procedure. (Other tenants: tenant-isolation.test.ts.)
 */
import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, calendarConnections, meetings, notifications } from '@/server/db/schema';
import { seedActivity, type TenantActivity } from '@/tests/support/activity';
import { callProcedure, describeOutcome, listProcedures, sessionOf, testJobs } from '@/tests/support/api';
import {
  enableCalendarIntegration,
  seedConnection,
  type SeededConnection,
} from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';

let database: TestDatabase;
let tenant: TestTenant;
let activity: TenantActivity;
let learnerConnection: SeededConnection;
let otherConnection: SeededConnection;

const NEW_PROCEDURES = listProcedures()
  .map((procedure) => procedure.path)
  .filter((path) => path.startsWith('connectionHealth.') || path.startsWith('auditLog.'));

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'health');
  await enableCalendarIntegration(database.db, tenant.tenantId);
  activity = await seedActivity(database.db, tenant, 'health');
  learnerConnection = await seedConnection(database.db, tenant.learner, 'learnercal');
  otherConnection = await seedConnection(database.db, tenant.otherLearner, 'othercal');
  await database.db
    .update(calendarConnections)
    .set({ status: 'needs_reauth', lastError: 'Access was revoked.', lastSyncedAt: null })
    .where(eq(calendarConnections.id, otherConnection.connectionId));
});

async function call(member: { userId: string; tenantId: string }, path: string, input?: unknown) {
  const outcome = await callProcedure(database.db, sessionOf(member), path, input);
  if (!outcome.ok) throw new Error(`${path}: ${describeOutcome(outcome)}`);
  return outcome.value;
}

async function auditRows() {
  return database.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.tenantId, tenant.tenantId))
    .orderBy(asc(auditLog.at), asc(auditLog.seq));
}

describe('permission', () => {
  it.each(['tutor', 'learner'] as const)(
    'a %s without Manage Tenant Settings is FORBIDDEN everywhere',
    async (role) => {
      expect(NEW_PROCEDURES.length).toBe(7);
      for (const path of NEW_PROCEDURES) {
        const input =
          path.startsWith('connectionHealth.') && path !== 'connectionHealth.list'
            ? { connectionId: learnerConnection.connectionId }
            : undefined;
        const outcome = await callProcedure(database.db, sessionOf(tenant[role]), path, input);
        expect(`${path} ${describeOutcome(outcome)}`).toMatch(/ FORBIDDEN: /);
      }
    },
  );
});

describe('connection health', () => {
  it('lists every connection with its health, and none of its content', async () => {
    const page = (await call(tenant.admin, 'connectionHealth.list', {})) as {
      rows: Record<string, unknown>[];
      total: number;
    };
    expect(page.total).toBe(2);
    expect(page.rows).toEqual([
      expect.objectContaining({
        connectionId: learnerConnection.connectionId,
        member: expect.objectContaining({ userId: tenant.learner.userId }),
        provider: 'caldav',
        accountEmail: 'learnercal@dav.example.test',
        madeBy: 'member',
        status: 'active',
        lastSyncedAt: new Date('2026-03-01T08:00:00Z'),
        lastError: null,
        throttled: false,
        calendarCount: 2,
      }),
      expect.objectContaining({
        connectionId: otherConnection.connectionId,
        status: 'needs_reauth',
        lastError: 'Access was revoked.',
        lastSyncedAt: null,
      }),
    ]);
    const text = JSON.stringify(page);
    // The seeded mirror holds "<label> dentist" events in "<label> work" calendars.
    expect(text).not.toMatch(/dentist|learnercal work|holidays/);
  });

  it('filters: needs reconnecting, errors, never synced', async () => {
    const ids = async (filter: string) =>
      (
        (await call(tenant.admin, 'connectionHealth.list', { filter })) as {
          rows: { connectionId: string }[];
        }
      ).rows.map((row) => row.connectionId);
    expect(await ids('needs_reconnect')).toEqual([otherConnection.connectionId]);
    expect(await ids('errors')).toEqual([otherConnection.connectionId]);
    expect(await ids('never_synced')).toEqual([otherConnection.connectionId]);
    expect(await ids('all')).toHaveLength(2);
  });

  it('sync now sends the sync event for each calendar, and is audited', async () => {
    testJobs.clear();
    expect(
      await call(tenant.admin, 'connectionHealth.syncNow', { connectionId: learnerConnection.connectionId }),
    ).toEqual({ calendarsQueued: 2 });
    expect(testJobs.sent.map((event) => event.name)).toEqual([
      'tandem/calendar.sync-requested',
      'tandem/calendar.sync-requested',
    ]);
    expect((await auditRows()).at(-1)).toMatchObject({
      action: 'connection.sync_requested',
      actorUserId: tenant.admin.userId,
      targetUserId: tenant.learner.userId,
      targetConnectionId: learnerConnection.connectionId,
      targetLabel: 'CalDAV · learnercal@dav.example.test',
      result: 'ok',
    });
  });

  it('a refused sync (needs reconnecting) says why and is audited as failed', async () => {
    const outcome = await callProcedure(database.db, sessionOf(tenant.admin), 'connectionHealth.syncNow', {
      connectionId: otherConnection.connectionId,
    });
    expect(describeOutcome(outcome)).toMatch(/^CONFLICT: .*needs reconnecting/);
    expect((await auditRows()).at(-1)).toMatchObject({
      action: 'connection.sync_requested',
      result: 'failed',
      reason: expect.stringMatching(/needs reconnecting/),
    });
  });

  it('ask to reconnect notifies the member, and is audited', async () => {
    await call(tenant.admin, 'connectionHealth.askToReconnect', {
      connectionId: otherConnection.connectionId,
    });
    const told = await database.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.tenantId, tenant.tenantId),
          eq(notifications.userId, tenant.otherLearner.userId),
          eq(notifications.kind, 'connection_needs_reauth'),
        ),
      );
    expect(told).toHaveLength(1);
    expect(told[0]?.payload).toMatchObject({
      connectionId: otherConnection.connectionId,
      askedBy: tenant.admin.userId,
    });
    expect((await auditRows()).at(-1)).toMatchObject({
      action: 'connection.reconnect_requested',
      result: 'ok',
    });
  });

  it('remove deletes the connection and its mirror, keeps every meeting, and is audited', async () => {
    const meetingsBefore = await database.db
      .select()
      .from(meetings)
      .where(eq(meetings.tenantId, tenant.tenantId));
    await call(tenant.admin, 'connectionHealth.remove', { connectionId: otherConnection.connectionId });
    const left = await database.db
      .select({ id: calendarConnections.id })
      .from(calendarConnections)
      .where(eq(calendarConnections.tenantId, tenant.tenantId));
    expect(left.map((row) => row.id)).toEqual([learnerConnection.connectionId]);
    expect(await database.db.select().from(meetings).where(eq(meetings.tenantId, tenant.tenantId))).toEqual(
      meetingsBefore,
    );
    expect(activity.meetingId).toBeTruthy();
    expect((await auditRows()).at(-1)).toMatchObject({
      action: 'connection.removed',
      targetUserId: tenant.otherLearner.userId,
      result: 'ok',
    });
  });
});

describe('audit log', () => {
  it('records tenant settings changes: the switch and the providers', async () => {
    await call(tenant.admin, 'tenant.updateCalendarIntegration', { enabled: false });
    await call(tenant.admin, 'tenant.updateCalendarIntegration', {
      enabled: true,
      allowedProviders: ['google', 'caldav'],
    });
    // Saving the same again is no change: nothing recorded.
    await call(tenant.admin, 'tenant.updateCalendarIntegration', {
      enabled: true,
      allowedProviders: ['caldav', 'google'],
    });
    const settings = (await auditRows()).filter((row) => !row.action.startsWith('connection.'));
    expect(settings.map((row) => [row.action, row.reason])).toEqual([
      ['integration.disabled', null],
      ['integration.enabled', null],
      ['providers.changed', 'Allowed: Google Calendar, CalDAV'],
    ]);
  });

  it('lists newest first with names, filters by person, action and date, and pages', async () => {
    const list = (input: unknown) =>
      call(tenant.admin, 'auditLog.list', input) as Promise<{
        entries: { action: string; actor: { name: string } | null; person: { userId: string } | null }[];
        total: number;
      }>;
    const all = await list({});
    expect(all.total).toBe(7);
    expect(all.entries[0]?.action).toBe('providers.changed');
    expect(all.entries[0]?.actor?.name).toBe(`health admin`);
    expect((await list({ filters: { action: 'connection.removed' } })).entries).toEqual([
      expect.objectContaining({ person: expect.objectContaining({ userId: tenant.otherLearner.userId }) }),
    ]);
    expect((await list({ filters: { personId: tenant.tutor.userId } })).total).toBe(0);
    expect((await list({ filters: { personId: tenant.admin.userId } })).total).toBe(7);
    // The test clock is 2 March 2026 (08:00 UTC) in London.
    expect((await list({ filters: { from: '2026-03-02', to: '2026-03-02' } })).total).toBe(7);
    expect((await list({ filters: { from: '2026-03-03' } })).total).toBe(0);
    expect((await list({ filters: { to: '2026-03-01' } })).total).toBe(0);
    expect((await list({ page: 2 })).entries).toEqual([]);
    const refused = await callProcedure(database.db, sessionOf(tenant.admin), 'auditLog.list', {
      filters: { from: '2026-03-05', to: '2026-03-01' },
    });
    expect(describeOutcome(refused)).toMatch(
      /^BAD_REQUEST: [^]*The start date must be on or before the end date/,
    );
  });

  it('exports the filtered log as CSV', async () => {
    const exported = (await call(tenant.admin, 'auditLog.exportCsv', { action: 'connection.removed' })) as {
      csv: string;
      rows: number;
    };
    expect(exported.rows).toBe(1);
    const [header, line, end] = exported.csv.split('\r\n');
    expect(header).toBe('time (UTC),who,action,person,meeting id,target,result,reason');
    expect(line).toBe(
      `2026-03-02T08:00:00.000Z,health admin,connection.removed,health other,,CalDAV · othercal@dav.example.test,ok,`,
    );
    expect(end).toBe('');
  });

  it('cannot be written or changed through any procedure', async () => {
    const paths = listProcedures();
    expect(paths.filter((p) => p.path.startsWith('auditLog.') && p.type !== 'query')).toEqual([]);
    const before = await auditRows();
    // Every entry made so far came from a service doing the thing, none from a caller's input.
    for (const procedure of paths.filter((p) => p.type === 'mutation')) {
      await callProcedure(database.db, sessionOf(tenant.admin), procedure.path, {
        id: before[0]?.id,
        action: 'integration.enabled',
        result: 'ok',
      });
    }
    const after = await auditRows();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([]);
  });
});
