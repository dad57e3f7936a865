import { connectBulkItem, finishBulkRun, pendingWork } from '@/server/enterprise/bulk-runs';
import type { EnterpriseProvider } from '@/server/db/schema';
import { defineJob, type JobDeps, type JobSteps } from '../definition';
import type { JobEventData } from '../events';

/**
 * Bulk add (enterprise/bulk-runs.ts): the run is cut into batches of people, one event each, and
 * each batch is a run of a per-provider function that Inngest throttles per enterprise connection
 * to a share of that provider's per-app quota (PROVIDERS.md "Graph limits", "Google limits"), so
 * however fast the machine, a bulk add of thousands cannot use up the app's quota that everyone's
 * sync and the new connections' imports share. Within a batch, one step per person, a few at a
 * time: Graph allows 4 concurrent requests per app and mailbox, and each step calls its own
 * mailbox. A cancelled run's remaining steps return at once; a resumed run is a new run over what
 * is left. The last batch to end marks the run finished.
 */

/** Steps in flight at once within one batch. */
export const BULK_ADD_PARALLEL_STEPS = 4;

/** People per batch: the throttle counts batches, so this is its grain. */
export const BULK_ADD_BATCH_SIZE = 25;

/**
 * The providers with a per-app quota. Exchange Server has none: its throttling policies budget
 * each account (EWSMaxConcurrency, 27 by default), so its batches run one at a time per
 * connection instead, four people in flight.
 */
type QuotaBoundProvider = Exclude<EnterpriseProvider, 'ews_impersonation'>;

/**
 * The per-app quotas (PROVIDERS.md "Graph limits", "Google limits"): Graph's 10,000 requests per
 * 10 minutes per app and tenant, Google's 10,000 a minute per project. The bulk-add bench measures
 * against them.
 */
export const ENTERPRISE_APP_QUOTAS = {
  microsoft: { requests: 10_000, windowSeconds: 600 },
  google: { requests: 10_000, windowSeconds: 60 },
} as const satisfies Record<QuotaBoundProvider, { requests: number; windowSeconds: number }>;

/** The share of the app's quota bulk add may take: the rest is for sync and the imports it starts. */
export const BULK_ADD_QUOTA_SHARE = 0.5;

/**
 * Provider calls one person's step makes (the bulk-add bench counts them): Graph the calendar
 * list (one client-credentials token serves the whole run), Google a delegated token and the
 * calendar list.
 */
export const BULK_ADD_CALLS_PER_PERSON = { microsoft: 1, google: 2 } as const satisfies Record<
  QuotaBoundProvider,
  number
>;

/** Batches a minute, per enterprise connection, that keep a provider's calls within the share. */
export function bulkBatchThrottle(provider: QuotaBoundProvider) {
  const quota = ENTERPRISE_APP_QUOTAS[provider];
  const callsPerMinute = (quota.requests * BULK_ADD_QUOTA_SHARE * 60) / quota.windowSeconds;
  return {
    key: 'event.data.enterpriseConnectionId',
    limit: Math.floor(callsPerMinute / (BULK_ADD_CALLS_PER_PERSON[provider] * BULK_ADD_BATCH_SIZE)),
    period: '1m' as const,
  };
}

const BATCH_EVENTS = {
  microsoft: 'tandem/bulk-batch.microsoft-requested',
  google: 'tandem/bulk-batch.google-requested',
  ews_impersonation: 'tandem/bulk-batch.exchange-requested',
} as const satisfies Record<EnterpriseProvider, string>;

export const bulkAdd = defineJob({
  id: 'bulk-add',
  name: 'Connect calendars in bulk with enterprise access',
  trigger: { event: 'tandem/bulk-run.requested' },
  // One run per tenant at a time: a resumed run queues its batches after the first's are queued.
  concurrencyKey: 'event.data.tenantId',
  retries: 3,
  async run(deps, { tenantId, runId }, steps) {
    const work = await steps.run('pending', () => pendingWork(deps, { tenantId, runId }));
    if (work.indexes.length === 0) {
      await steps.run('finish', () => finishBulkRun(deps, { tenantId, runId }));
      return { batches: 0 };
    }
    const batches: number[][] = [];
    for (let start = 0; start < work.indexes.length; start += BULK_ADD_BATCH_SIZE)
      batches.push(work.indexes.slice(start, start + BULK_ADD_BATCH_SIZE));
    // One step: a retry after it succeeded does not queue the batches again.
    return steps.run('queue-batches', async () => {
      await deps.jobs.send(
        batches.map((indexes) => ({
          name: BATCH_EVENTS[work.provider],
          data: { tenantId, runId, enterpriseConnectionId: work.enterpriseConnectionId, indexes },
        })),
      );
      return { batches: batches.length };
    });
  },
});

async function runBatch(
  jobDeps: JobDeps,
  { tenantId, runId, indexes }: JobEventData<'tandem/bulk-batch.microsoft-requested'>,
  steps: JobSteps,
): Promise<Record<string, number>> {
  const { keyRing, enterprise } = jobDeps;
  if (!keyRing || !enterprise) throw new Error('bulk add needs the key ring and enterprise access');
  const deps = { ...jobDeps, keyRing, enterprise };
  const outcomes: Record<string, number> = {};
  for (let start = 0; start < indexes.length; start += BULK_ADD_PARALLEL_STEPS) {
    const slice = indexes.slice(start, start + BULK_ADD_PARALLEL_STEPS);
    const results = await Promise.all(
      slice.map((index) =>
        steps.run(`connect-${index}`, () => connectBulkItem(deps, { tenantId, runId, index })),
      ),
    );
    for (const result of results) outcomes[result] = (outcomes[result] ?? 0) + 1;
    if (results.includes('cancelled')) break;
  }
  // Changes nothing while another batch still has people pending; the last one finishes the run.
  await steps.run('finish', () => finishBulkRun(deps, { tenantId, runId }));
  return outcomes;
}

export const bulkAddMicrosoftBatch = defineJob({
  id: 'bulk-add-batch-microsoft',
  name: 'Connect a batch of Microsoft 365 calendars with enterprise access',
  trigger: { event: BATCH_EVENTS.microsoft },
  throttle: bulkBatchThrottle('microsoft'),
  retries: 3,
  run: runBatch,
});

export const bulkAddGoogleBatch = defineJob({
  id: 'bulk-add-batch-google',
  name: 'Connect a batch of Google Workspace calendars with enterprise access',
  trigger: { event: BATCH_EVENTS.google },
  throttle: bulkBatchThrottle('google'),
  retries: 3,
  run: runBatch,
});

export const bulkAddExchangeBatch = defineJob({
  id: 'bulk-add-batch-exchange',
  name: 'Connect a batch of Exchange Server calendars with impersonation',
  trigger: { event: BATCH_EVENTS.ews_impersonation },
  concurrencyKey: 'event.data.enterpriseConnectionId',
  retries: 3,
  run: runBatch,
});
