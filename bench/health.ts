/**
 * `npm run bench -- --only=health` (issue 14, "Speed and scale"): the admin's connection health
 * table for a tenant with 5,000 connections (two calendars each, push channels on half, a mix of
 * statuses), and the audit log with 20,000 entries. Server time per page through the real tRPC
 * procedure (session → membership and permission check → query): p50 / p95 over first, middle and
 * last pages of every filter. Goal: p95 < 100 ms. PGlite always; PostgreSQL when DATABASE_URL is set.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { createCaller } from '../src/server/api/root';
import type { Database } from '../src/server/db/client';
import { auditLog, calendarConnections, calendars, syncCursors } from '../src/server/db/schema';
import { HEALTH_FILTERS, HEALTH_PAGE_SIZE } from '../src/server/connection-health/inputs';
import { AUDIT_PAGE_SIZE } from '../src/server/audit/inputs';
import { provisionTenant } from '../src/server/tenants/provisioning';
import { testContext } from '../tests/support/api';
import { benchDatabases, type BenchDatabase } from './bench-databases';

const CONNECTIONS = 5_000;
const AUDIT_ENTRIES = 20_000;
const ROUNDS = 15;
const BATCH = 500;

export interface HealthFigures {
  database: string;
  query: string;
  samples: number;
  p50: number;
  p95: number;
}

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>) {
  for (let start = 0; start < rows.length; start += BATCH) await insert(rows.slice(start, start + BATCH));
}

async function seed(db: Database) {
  const members = Array.from({ length: CONNECTIONS }, (_, i) => ({
    email: `member${i}@health-bench.test`,
    name: `Member ${String(i).padStart(5, '0')}`,
    role: 'learner' as const,
    timeZone: 'Europe/London',
    passwordHash: 'x',
  }));
  const { tenantId, userIds } = await provisionTenant(db, {
    name: 'Health bench',
    slug: `health-bench-${crypto.randomUUID().slice(0, 8)}`,
    calendarIntegrationEnabled: true,
    members: [
      {
        email: 'admin@health-bench.test',
        name: 'Bench admin',
        role: 'admin',
        permissions: ['manage_tenant_settings'],
        timeZone: 'Europe/London',
        passwordHash: 'x',
      },
      ...members,
    ],
  });
  const now = Date.now();
  const connectionRows = members.map((member, i) => ({
    tenantId,
    userId: userIds.get(member.email) ?? '',
    provider: (['google', 'microsoft', 'caldav', 'icloud'] as const)[i % 4] ?? 'google',
    accountEmail: member.email,
    encryptedCredentials: 'bench',
    status:
      i % 10 === 0 ? ('needs_reauth' as const) : i % 10 === 1 ? ('error' as const) : ('active' as const),
    lastError: i % 10 === 1 ? 'The calendar service could not be reached; we will try again shortly.' : null,
    lastSyncedAt: i % 20 === 2 ? null : new Date(now - (i % 600) * 60_000),
  }));
  const connectionIds: string[] = [];
  await inBatches(connectionRows, async (batch) => {
    const ids = await db.insert(calendarConnections).values(batch).returning({ id: calendarConnections.id });
    connectionIds.push(...ids.map((row) => row.id));
  });
  const calendarRows = connectionIds.flatMap((connectionId, i) =>
    ['primary', 'second'].map((name) => ({
      tenantId,
      connectionId,
      externalId: `${i}-${name}`,
      name,
      isPrimary: name === 'primary',
    })),
  );
  const calendarIds: string[] = [];
  await inBatches(calendarRows, async (batch) => {
    const ids = await db.insert(calendars).values(batch).returning({ id: calendars.id });
    calendarIds.push(...ids.map((row) => row.id));
  });
  await inBatches(calendarIds, (batch) =>
    db.insert(syncCursors).values(
      batch.map((calendarId, i) => ({
        calendarId,
        tenantId,
        cursor: 'token',
        ...(i % 2 === 0
          ? { channelId: `ch-${calendarId}`, channelExpiresAt: new Date(now + 86_400_000) }
          : {}),
      })),
    ),
  );
  const adminId = userIds.get('admin@health-bench.test') ?? '';
  const actions = ['calendar.create', 'calendar.update', 'calendar.cancel', 'calendar.answer'] as const;
  await inBatches(
    Array.from({ length: AUDIT_ENTRIES }, (_, i) => ({
      tenantId,
      actorUserId: i % 7 === 0 ? adminId : (userIds.get(members[i % CONNECTIONS]?.email ?? '') ?? null),
      action: actions[i % actions.length] ?? 'calendar.create',
      targetLabel: 'Google Calendar · someone@example.test · primary',
      result: i % 50 === 0 ? ('failed' as const) : ('ok' as const),
      at: new Date(now - i * 60_000),
    })),
    (batch) => db.insert(auditLog).values(batch),
  );
  return { tenantId, adminId };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export async function measureHealth(target: BenchDatabase): Promise<HealthFigures[]> {
  const { handle, drop } = await target.open();
  try {
    const db = handle.db;
    const started = performance.now();
    const { tenantId, adminId } = await seed(db);
    // What autovacuum does on PostgreSQL after a bulk load (PGlite has none): planner statistics.
    await db.execute(sql`analyze`);
    console.log(
      `${target.name}: seeded ${CONNECTIONS} connections in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const caller = createCaller(testContext(db, { userId: adminId, tenantId }, { now: () => new Date() }));
    const figures: HealthFigures[] = [];
    const time = async (label: string, calls: (() => Promise<unknown>)[]) => {
      for (const call of calls) await call(); // warm-up
      const samples: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const call of calls) {
          const t0 = performance.now();
          await call();
          samples.push(performance.now() - t0);
        }
      }
      samples.sort((a, b) => a - b);
      figures.push({
        database: target.name,
        query: label,
        samples: samples.length,
        p50: percentile(samples, 50),
        p95: percentile(samples, 95),
      });
    };
    const healthCalls = [];
    for (const filter of HEALTH_FILTERS) {
      const { total } = await caller.connectionHealth.list({ filter, page: 1 });
      const last = Math.max(1, Math.ceil(total / HEALTH_PAGE_SIZE));
      for (const page of new Set([1, Math.ceil(last / 2), last]))
        healthCalls.push(() => caller.connectionHealth.list({ filter, page }));
    }
    await time('health table page (25 rows)', healthCalls);
    const lastAuditPage = Math.ceil(AUDIT_ENTRIES / AUDIT_PAGE_SIZE);
    await time('audit log page (50 rows)', [
      () => caller.auditLog.list({ page: 1 }),
      () => caller.auditLog.list({ page: Math.ceil(lastAuditPage / 2) }),
      () => caller.auditLog.list({ page: lastAuditPage }),
      () => caller.auditLog.list({ filters: { personId: adminId }, page: 1 }),
      () => caller.auditLog.list({ filters: { action: 'calendar.cancel' }, page: 2 }),
    ]);
    return figures;
  } finally {
    await handle.close();
    await drop();
  }
}

export function printHealth(rows: HealthFigures[]): void {
  console.log('\nConnection health and audit log (server time per page, through the tRPC procedure)');
  for (const row of rows) {
    const verdict = row.p95 < 100 ? 'meets' : 'MISSES';
    console.log(
      `  ${row.database.padEnd(10)} ${row.query.padEnd(30)} n=${row.samples}  p50 ${row.p50.toFixed(1)} ms  p95 ${row.p95.toFixed(1)} ms  (${verdict} p95 < 100 ms)`,
    );
  }
}

export async function healthOnly(): Promise<void> {
  const rows: HealthFigures[] = [];
  for (const target of benchDatabases()) rows.push(...(await measureHealth(target)));
  printHealth(rows);
}
