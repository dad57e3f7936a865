import { InngestTestEngine } from '@inngest/test';
import { expect } from 'vitest';
import type { JobDeps } from '@/server/jobs/definition';
import {
  bulkAdd,
  bulkAddExchangeBatch,
  bulkAddGoogleBatch,
  bulkAddMicrosoftBatch,
} from '@/server/jobs/functions/bulk-add';
import { createJobFunction } from '@/server/jobs/job-function';
import { testClient } from './job-testbed';
import type { RecordingDispatcher } from './recording-dispatcher';

/**
 * A bulk run's jobs through @inngest/test's engine, as Inngest would run them (throttles aside):
 * the run's job queues its batches on `jobs`, then each batch runs in turn. Returns the people's
 * outcomes summed over the batches.
 */
export async function runBulkAddJobs(
  deps: JobDeps,
  jobs: RecordingDispatcher,
  ids: { tenantId: string; runId: string },
): Promise<Record<string, number>> {
  // Only the batches this run queues (an earlier run of the same bulk run queued its own).
  const before = jobs.sent.length;
  const run = new InngestTestEngine({ function: createJobFunction(testClient, bulkAdd, deps) });
  const { error } = await run.execute({ events: [{ name: 'tandem/bulk-run.requested', data: ids }] });
  expect(error).toBeUndefined();
  const batches = [
    { name: 'tandem/bulk-batch.microsoft-requested', definition: bulkAddMicrosoftBatch },
    { name: 'tandem/bulk-batch.google-requested', definition: bulkAddGoogleBatch },
    { name: 'tandem/bulk-batch.exchange-requested', definition: bulkAddExchangeBatch },
  ] as const;
  const queued = jobs.sent.slice(before);
  const outcomes: Record<string, number> = {};
  for (const { name, definition } of batches) {
    const engine = new InngestTestEngine({ function: createJobFunction(testClient, definition, deps) });
    for (const { data } of queued.filter((event) => event.name === name)) {
      const { result, error: failed } = await engine.execute({ events: [{ name, data }] });
      expect(failed).toBeUndefined();
      for (const [outcome, count] of Object.entries(result as Record<string, number>))
        outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
    }
  }
  return outcomes;
}
