import { connectBulkItem, finishBulkRun, pendingIndexes } from '@/server/enterprise/bulk-runs';
import { defineJob } from '../definition';

/**
 * Bulk add: one step per pending person (enterprise/bulk-runs.ts), a few at a time. Graph allows
 * 4 concurrent requests per app and mailbox and 10,000 requests per 10 minutes per app and
 * tenant (PROVIDERS.md): each step makes one call on its own mailbox, so a handful in parallel
 * stays far under both, and one run per tenant at a time keeps the per-app total bounded. Google
 * allows 600 requests a minute per user and 10,000 per project: a step there makes two calls as
 * its member (the delegated token, the calendar list), and 4 steps in flight finish at most a few
 * hundred members a minute through the emulator, so neither limit is reached either. A
 * cancelled run's remaining steps return at once; a resumed run is a new run over what is left.
 */

/** Steps in flight at once within one run. */
export const BULK_ADD_PARALLEL_STEPS = 4;

/**
 * The per-app quotas the pacing above keeps under (PROVIDERS.md "Graph limits", "Google limits"):
 * Graph's 10,000 requests per 10 minutes per app and tenant, Google's 10,000 a minute per project.
 * The bulk-add bench measures against them.
 */
export const ENTERPRISE_APP_QUOTAS = {
  microsoft: { requests: 10_000, windowSeconds: 600 },
  google: { requests: 10_000, windowSeconds: 60 },
} as const satisfies Record<'microsoft' | 'google', { requests: number; windowSeconds: number }>;

export const bulkAdd = defineJob({
  id: 'bulk-add',
  name: 'Connect calendars in bulk with enterprise access',
  trigger: { event: 'tandem/bulk-run.requested' },
  // The provider's per-app quotas are per tenant's app: one bulk run per tenant at a time.
  concurrencyKey: 'event.data.tenantId',
  retries: 3,
  async run(jobDeps, { tenantId, runId }, steps) {
    const { keyRing, enterprise } = jobDeps;
    if (!keyRing || !enterprise) throw new Error('bulk add needs the key ring and enterprise access');
    const deps = { ...jobDeps, keyRing, enterprise };
    const indexes = await steps.run('pending', () => pendingIndexes(deps, { tenantId, runId }));
    const outcomes: Record<string, number> = {};
    for (let start = 0; start < indexes.length; start += BULK_ADD_PARALLEL_STEPS) {
      const batch = indexes.slice(start, start + BULK_ADD_PARALLEL_STEPS);
      const results = await Promise.all(
        batch.map((index) =>
          steps.run(`connect-${index}`, () => connectBulkItem(deps, { tenantId, runId, index })),
        ),
      );
      for (const result of results) outcomes[result] = (outcomes[result] ?? 0) + 1;
      if (results.includes('cancelled')) break;
    }
    await steps.run('finish', () => finishBulkRun(deps, { tenantId, runId }));
    return outcomes;
  },
});
