import { and, desc, eq, sql } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { encryptCredentials } from '@/server/connections/credentials';
import {
  bulkRuns,
  calendarConnections,
  type BulkRunItem,
  type BulkSelection,
  type EnterpriseProvider,
} from '@/server/db/schema';
import { ConflictError, NotFoundError } from '@/server/errors';
import { notifyUsers, announceNotifications } from '@/server/notifications/notify';
import type { Actor } from '@/server/tenants/actor';
import { recordAudit } from '@/server/audit/record-audit';
import { CONNECTION_PROVIDER_OF } from './connection-provider';
import { PREVIEW_WORDS, previewBulkAdd } from './preview';
import { findEnterpriseRow, openEnterpriseApp } from './secrets';
import { explainEnterpriseFailure } from './test-access';

/**
 * Bulk add (DESIGN.md §10): a run keeps every chosen person with their outcome. Rows the preview
 * rules out are recorded as skipped at once; matched ones start pending and are connected one
 * step each by the bulk-add job. A step connects a person and marks their row in one
 * transaction, and only a pending row can be marked: a replayed or retried step connects no one
 * twice. A re-run starts from a fresh preview, so it adds only what is still missing.
 */

export const CONNECTED_BY_ORGANISATION = 'calendar_connected_by_organisation' as const;

export interface BulkRunView {
  id: string;
  status: 'running' | 'cancelled' | 'finished';
  total: number;
  done: number;
  /** People per minute since the run (re)started; null before the first one. */
  perMinute: number | null;
  /** Seconds left at that speed; null when unknown or finished. */
  secondsLeft: number | null;
  startedAt: Date;
  finishedAt: Date | null;
  counts: { connected: number; skipped: number; failed: number; pending: number };
  items: BulkRunItem[];
}

type RunRow = typeof bulkRuns.$inferSelect;

export function viewOfRun(row: RunRow, now: Date): BulkRunView {
  const elapsedMinutes = (now.getTime() - row.resumedAt.getTime()) / 60_000;
  const doneSince = row.done - row.doneAtResume;
  const perMinute = doneSince > 0 && elapsedMinutes > 0 ? doneSince / elapsedMinutes : null;
  const left = row.total - row.done;
  const counts = { connected: 0, skipped: 0, failed: 0, pending: 0 };
  for (const item of row.items) counts[item.outcome] += 1;
  return {
    id: row.id,
    status: row.status,
    total: row.total,
    done: row.done,
    perMinute,
    secondsLeft: row.status === 'running' && perMinute ? Math.ceil((left / perMinute) * 60) : null,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    counts,
    items: row.items,
  };
}

export async function startBulkRun(
  deps: Pick<AppDeps, 'db' | 'keyRing' | 'enterprise' | 'jobs' | 'now'>,
  actor: Actor,
  input: { provider: EnterpriseProvider; selection: BulkSelection },
): Promise<BulkRunView> {
  // Runs of one tenant are worked one at a time by the job (its concurrency key), so two runs
  // over the same people connect each once: the later finds them connected.
  const preview = await previewBulkAdd(deps, actor.tenantId, input);
  const items: BulkRunItem[] = preview.rows.map((row) => ({
    userId: row.userId,
    email: row.email,
    name: row.name,
    outcome: row.status === 'matched' ? 'pending' : 'skipped',
    reason: row.status === 'matched' ? null : PREVIEW_WORDS[row.status],
  }));
  const pending = items.filter((item) => item.outcome === 'pending').length;
  const now = deps.now();
  const [row] = await deps.db
    .insert(bulkRuns)
    .values({
      tenantId: actor.tenantId,
      enterpriseConnectionId: preview.enterprise.id,
      createdBy: actor.userId,
      selection: input.selection,
      status: pending === 0 ? 'finished' : 'running',
      total: items.length,
      done: items.length - pending,
      doneAtResume: items.length - pending,
      items,
      startedAt: now,
      resumedAt: now,
      finishedAt: pending === 0 ? now : null,
    })
    .returning();
  if (!row) throw new Error('bulk run insert returned no row');
  await recordAudit(deps.db, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'bulk_run.started',
    target: { label: `Bulk add ${row.id}` },
    result: 'ok',
    reason: `${pending} to connect of ${items.length}`,
    at: deps.now(),
  });
  if (pending > 0)
    await deps.jobs.send({
      name: 'tandem/bulk-run.requested',
      data: { tenantId: actor.tenantId, runId: row.id },
    });
  return viewOfRun(row, now);
}

async function findRun(deps: Pick<AppDeps, 'db'>, tenantId: string, runId: string): Promise<RunRow> {
  const [row] = await deps.db
    .select()
    .from(bulkRuns)
    .where(and(eq(bulkRuns.tenantId, tenantId), eq(bulkRuns.id, runId)));
  if (!row) throw new NotFoundError('Bulk run not found');
  return row;
}

/**
 * A run's status and one person's row, without the others: each step reads only its own person,
 * so a run of thousands costs each step the same instead of reading (and parsing) every row.
 */
async function findRunItem(
  deps: Pick<AppDeps, 'db'>,
  input: { tenantId: string; runId: string; index: number },
): Promise<Pick<RunRow, 'status' | 'enterpriseConnectionId'> & { item: BulkRunItem | null }> {
  const [row] = await deps.db
    .select({
      status: bulkRuns.status,
      enterpriseConnectionId: bulkRuns.enterpriseConnectionId,
      // postgres.js hands jsonb over parsed, PGlite as text only when asked through sql: both are read.
      item: sql<BulkRunItem | null>`${bulkRuns.items} -> ${input.index}::int`.mapWith((value: unknown) =>
        typeof value === 'string' ? (JSON.parse(value) as BulkRunItem | null) : (value as BulkRunItem | null),
      ),
    })
    .from(bulkRuns)
    .where(and(eq(bulkRuns.tenantId, input.tenantId), eq(bulkRuns.id, input.runId)));
  if (!row) throw new NotFoundError('Bulk run not found');
  return row;
}

export async function getBulkRun(deps: Pick<AppDeps, 'db' | 'now'>, actor: Actor, runId: string) {
  return viewOfRun(await findRun(deps, actor.tenantId, runId), deps.now());
}

export async function latestBulkRun(
  deps: Pick<AppDeps, 'db' | 'now'>,
  actor: Actor,
): Promise<BulkRunView | null> {
  const [row] = await deps.db
    .select()
    .from(bulkRuns)
    .where(eq(bulkRuns.tenantId, actor.tenantId))
    .orderBy(desc(bulkRuns.startedAt))
    .limit(1);
  return row ? viewOfRun(row, deps.now()) : null;
}

export async function cancelBulkRun(
  deps: Pick<AppDeps, 'db' | 'now'>,
  actor: Actor,
  runId: string,
): Promise<BulkRunView> {
  await findRun(deps, actor.tenantId, runId);
  const [row] = await deps.db
    .update(bulkRuns)
    .set({ status: 'cancelled' })
    .where(and(eq(bulkRuns.tenantId, actor.tenantId), eq(bulkRuns.id, runId), eq(bulkRuns.status, 'running')))
    .returning();
  if (!row) throw new ConflictError('Only a running bulk add can be cancelled.');
  await recordAudit(deps.db, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'bulk_run.cancelled',
    target: { label: `Bulk add ${runId}` },
    result: 'ok',
    reason: `${row.done} of ${row.total} done`,
    at: deps.now(),
  });
  return viewOfRun(row, deps.now());
}

export async function resumeBulkRun(
  deps: Pick<AppDeps, 'db' | 'now' | 'jobs'>,
  actor: Actor,
  runId: string,
): Promise<BulkRunView> {
  await findRun(deps, actor.tenantId, runId);
  const now = deps.now();
  const [row] = await deps.db
    .update(bulkRuns)
    .set({ status: 'running', resumedAt: now, doneAtResume: sql`${bulkRuns.done}` })
    .where(
      and(eq(bulkRuns.tenantId, actor.tenantId), eq(bulkRuns.id, runId), eq(bulkRuns.status, 'cancelled')),
    )
    .returning();
  if (!row) throw new ConflictError('Only a cancelled bulk add can be resumed.');
  await recordAudit(deps.db, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'bulk_run.resumed',
    target: { label: `Bulk add ${runId}` },
    result: 'ok',
    reason: `${row.total - row.done} left`,
    at: deps.now(),
  });
  await deps.jobs.send({ name: 'tandem/bulk-run.requested', data: { tenantId: actor.tenantId, runId } });
  return viewOfRun(row, now);
}

/** The report as CSV: one line per person. */
export function bulkRunCsv(view: BulkRunView): string {
  const cell = (value: string | null) => `"${(value ?? '').replace(/"/g, '""')}"`;
  return [
    'email,name,outcome,reason',
    ...view.items.map((item) => [item.email, item.name, item.outcome, item.reason].map(cell).join(',')),
  ].join('\n');
}

export type StepOutcome = 'connected' | 'skipped' | 'failed' | 'cancelled' | 'done-before';

/**
 * One step of the job: connects the person at `index` unless the run was cancelled or the row is
 * no longer pending. The provider is asked once (the mailbox's calendars) before the
 * transaction; the connection, the row's outcome and the member's notice commit together.
 */
export async function connectBulkItem(
  deps: Pick<AppDeps, 'db' | 'keyRing' | 'enterprise' | 'jobs' | 'now'>,
  input: { tenantId: string; runId: string; index: number },
): Promise<StepOutcome> {
  const run = await findRunItem(deps, input);
  if (run.status === 'cancelled') return 'cancelled';
  const { item } = run;
  if (!item || item.outcome !== 'pending' || !item.userId) return 'done-before';
  const enterprise = await findEnterpriseRow(deps.db, input.tenantId, { id: run.enterpriseConnectionId });
  const provider = CONNECTION_PROVIDER_OF[enterprise?.provider ?? 'microsoft'];
  let outcome: BulkRunItem;
  const [existing] = await deps.db
    .select({ id: calendarConnections.id })
    .from(calendarConnections)
    .where(
      and(
        eq(calendarConnections.tenantId, input.tenantId),
        eq(calendarConnections.userId, item.userId),
        eq(calendarConnections.provider, provider),
        eq(calendarConnections.accountEmail, item.email),
      ),
    );
  if (!enterprise) outcome = { ...item, outcome: 'failed', reason: 'the enterprise connection was removed' };
  else if (existing) outcome = { ...item, outcome: 'skipped', reason: PREVIEW_WORDS.already_connected };
  else {
    try {
      await deps.enterprise.actAs(openEnterpriseApp(deps.keyRing(), enterprise), item.email).listCalendars();
      outcome = { ...item, outcome: 'connected', reason: null };
    } catch (error) {
      outcome = {
        ...item,
        outcome: 'failed',
        reason: explainEnterpriseFailure(enterprise.provider, error, {
          directory: enterprise.domain,
          address: item.email,
          serviceAccount: enterprise.clientId,
        }),
      };
    }
  }
  const userId = item.userId;
  const committed = await deps.db.transaction(async (tx) => {
    const [marked] = await tx
      .update(bulkRuns)
      .set({
        items: sql`jsonb_set(${bulkRuns.items}, ${`{${input.index}}`}::text[], ${JSON.stringify(outcome)}::jsonb)`,
        done: sql`${bulkRuns.done} + 1`,
      })
      .where(
        and(
          eq(bulkRuns.tenantId, input.tenantId),
          eq(bulkRuns.id, input.runId),
          sql`${bulkRuns.items} -> ${input.index}::int ->> 'outcome' = 'pending'`,
        ),
      )
      .returning({ id: bulkRuns.id });
    if (!marked) return null;
    if (outcome.outcome !== 'connected' || !enterprise) return { connectionId: null, notices: [] };
    const now = deps.now();
    const [connection] = await tx
      .insert(calendarConnections)
      .values({
        tenantId: input.tenantId,
        userId,
        provider,
        accountEmail: item.email,
        displayName: item.name,
        encryptedCredentials: encryptCredentials(deps.keyRing(), { kind: 'enterprise', subject: item.email }),
        enterpriseConnectionId: enterprise.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: calendarConnections.id });
    const notices = await notifyUsers(tx, input.tenantId, [userId], CONNECTED_BY_ORGANISATION, {
      provider,
      accountEmail: item.email,
    });
    return { connectionId: connection?.id ?? null, notices };
  });
  if (!committed) return 'done-before';
  if (committed.connectionId)
    await deps.jobs.send({
      name: 'tandem/connection.added',
      data: { tenantId: input.tenantId, connectionId: committed.connectionId },
    });
  await announceNotifications(deps.jobs, input.tenantId, committed.notices);
  return outcome.outcome === 'connected' ? 'connected' : outcome.outcome === 'skipped' ? 'skipped' : 'failed';
}

/** Marks the run finished once no row is pending (a cancelled run stays cancelled). */
export async function finishBulkRun(
  deps: Pick<AppDeps, 'db' | 'now'>,
  input: { tenantId: string; runId: string },
) {
  await deps.db
    .update(bulkRuns)
    .set({ status: 'finished', finishedAt: deps.now() })
    .where(
      and(
        eq(bulkRuns.tenantId, input.tenantId),
        eq(bulkRuns.id, input.runId),
        eq(bulkRuns.status, 'running'),
        sql`not exists (select 1 from jsonb_array_elements(${bulkRuns.items}) as item where item ->> 'outcome' = 'pending')`,
      ),
    );
}

/**
 * What the job has left to do: the indexes still pending, and the enterprise connection they go
 * through (whose provider's quota paces them). A run whose connection was removed goes on as
 * Microsoft's: each of its steps then fails at once, saying so, without calling anyone.
 */
export async function pendingWork(deps: Pick<AppDeps, 'db'>, input: { tenantId: string; runId: string }) {
  const run = await findRun(deps, input.tenantId, input.runId);
  const enterprise = await findEnterpriseRow(deps.db, input.tenantId, { id: run.enterpriseConnectionId });
  return {
    enterpriseConnectionId: run.enterpriseConnectionId,
    provider: enterprise?.provider ?? 'microsoft',
    indexes:
      run.status === 'running'
        ? run.items.flatMap((item, index) => (item.outcome === 'pending' ? [index] : []))
        : [],
  };
}
