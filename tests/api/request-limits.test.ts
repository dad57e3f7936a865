/**
 * Unbounded tRPC work: one request used to run 1,000 `me.profile` calls, and a 300-call
 * `tasks.create` batch committed all 300. Batches are capped at the handler (refused whole, before
 * any call runs), and each user has a per-minute budget of calls.
 */
import { and, eq } from 'drizzle-orm';
import superjson from 'superjson';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleTrpcRequest } from '@/server/api/http-handler';
import type { SessionIdentity } from '@/server/api/trpc';
import { tasks } from '@/server/db/schema';
import { perUserCallLimits } from '@/server/security/call-limits';
import { MAX_TRPC_BATCH_SIZE } from '@/trpc/batch-limit';
import { callProcedure, describeOutcome, sessionOf, testContext } from '@/tests/support/api';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';

let database: TestDatabase;
let tenant: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'limits');
});

function batchOf(path: string, inputs: unknown[]): { url: string; body: string } {
  const body = Object.fromEntries(inputs.map((input, index) => [String(index), superjson.serialize(input)]));
  return {
    url: `http://tandem.test/api/trpc/${Array(inputs.length).fill(path).join(',')}?batch=1`,
    body: JSON.stringify(body),
  };
}

async function post(session: SessionIdentity, path: string, inputs: unknown[]) {
  const { url, body } = batchOf(path, inputs);
  const request = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return handleTrpcRequest(request, () => testContext(database.db, session));
}

async function taskCount(member: { userId: string; tenantId: string }): Promise<number> {
  const rows = await database.db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.tenantId, member.tenantId), eq(tasks.ownerId, member.userId)));
  return rows.length;
}

const task = (index: number) => ({ title: `Batch task ${index}`, dueAt: new Date('2026-03-04T09:00:00Z') });

describe('batch size', () => {
  it(`runs a batch of ${MAX_TRPC_BATCH_SIZE} calls`, async () => {
    const response = await post(
      sessionOf(tenant.tutor),
      'tasks.create',
      Array.from({ length: MAX_TRPC_BATCH_SIZE }, (_, index) => task(index)),
    );
    expect(response.status).toBe(200);
    expect(await taskCount(tenant.tutor)).toBe(MAX_TRPC_BATCH_SIZE);
  });

  it('refuses a 300-call batch whole, with a clear error, committing nothing', async () => {
    const before = await taskCount(tenant.learner);
    const response = await post(
      sessionOf(tenant.learner),
      'tasks.create',
      Array.from({ length: 300 }, (_, index) => task(index)),
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('Batch call exceeds maximum size');
    expect(await taskCount(tenant.learner)).toBe(before);
  });

  it('refuses a 1,000-call query batch the same way', async () => {
    const inputs = Array.from({ length: 1_000 }, () => undefined);
    const { url } = batchOf('me.profile', inputs);
    const response = await handleTrpcRequest(new Request(url), () =>
      testContext(database.db, sessionOf(tenant.learner)),
    );
    expect(response.status).toBe(400);
  });
});

describe('calls per user per minute', () => {
  const limits = perUserCallLimits({ query: 5, mutation: 3, subscription: 1 });
  const as = (member: { userId: string; tenantId: string }, path: string, input: unknown) =>
    callProcedure(database.db, sessionOf(member), path, input, { callLimits: limits });

  it('refuses mutations past the budget with TOO_MANY_REQUESTS, per user', async () => {
    for (let index = 0; index < 3; index += 1)
      expect(describeOutcome(await as(tenant.admin, 'tasks.create', task(index)))).toBe('ok');
    const refused = await as(tenant.admin, 'tasks.create', task(4));
    expect(describeOutcome(refused)).toMatch(
      /^TOO_MANY_REQUESTS: Too many requests\. Try again in \d+ seconds\.$/,
    );
    expect(describeOutcome(await as(tenant.otherLearner, 'tasks.create', task(5)))).toBe('ok');
  });

  it('and queries past theirs', async () => {
    for (let index = 0; index < 5; index += 1)
      expect(describeOutcome(await as(tenant.tutor, 'me.profile', undefined))).toBe('ok');
    expect(describeOutcome(await as(tenant.tutor, 'me.profile', undefined))).toMatch(/^TOO_MANY_REQUESTS: /);
  });
});
