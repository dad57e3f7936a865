/**
 * The bulk-add job's pacing as Inngest reads it (the functions' options, not timing): each
 * provider's batch function is throttled per enterprise connection so that its calls stay within
 * BULK_ADD_QUOTA_SHARE of the provider's per-app quota (PROVIDERS.md "Graph limits": 10,000
 * requests per 10 minutes per app and tenant; "Google limits": 10,000 a minute per project).
 */
import { describe, expect, it } from 'vitest';
import type { JobDeps } from '../definition';
import { createJobFunctions } from '.';
import { testClient } from '@/tests/support/job-testbed';
import {
  BULK_ADD_BATCH_SIZE,
  BULK_ADD_CALLS_PER_PERSON,
  BULK_ADD_QUOTA_SHARE,
  ENTERPRISE_APP_QUOTAS,
} from './bulk-add';

// Building the functions reads only the settings crons depend on: no job body runs here.
const functions = createJobFunctions(testClient, { pollMinutes: 15 } as JobDeps);
const byId = (id: string) => {
  const fn = functions.find((candidate) => candidate.opts.id === id);
  if (!fn) throw new Error(`no function ${id}`);
  return fn;
};
const PERIOD_SECONDS = { '1m': 60 } as Record<string, number>;

describe('the bulk-add functions Inngest serves', () => {
  it.each([
    ['microsoft', 'bulk-add-batch-microsoft', 'tandem/bulk-batch.microsoft-requested', 20],
    ['google', 'bulk-add-batch-google', 'tandem/bulk-batch.google-requested', 100],
  ] as const)(
    'throttle %s batches per enterprise connection within the share of its per-app quota',
    (provider, id, event, limit) => {
      const { opts } = byId(id);
      expect(opts.triggers).toEqual([expect.objectContaining({ name: event })]);
      expect(opts.throttle).toEqual({ key: 'event.data.enterpriseConnectionId', limit, period: '1m' });

      const throttle = opts.throttle as { limit: number; period: string };
      const periodSeconds = PERIOD_SECONDS[throttle.period] ?? Number.NaN;
      const quota = ENTERPRISE_APP_QUOTAS[provider];
      const callsPerQuotaWindow =
        ((throttle.limit * BULK_ADD_BATCH_SIZE * BULK_ADD_CALLS_PER_PERSON[provider]) / periodSeconds) *
        quota.windowSeconds;
      expect(callsPerQuotaWindow).toBeLessThanOrEqual(quota.requests * BULK_ADD_QUOTA_SHARE);
      // …and not so far under it that a bulk add crawls.
      expect(callsPerQuotaWindow).toBeGreaterThan(quota.requests * BULK_ADD_QUOTA_SHARE * 0.9);
    },
  );

  it('runs Exchange Server batches one at a time per enterprise connection: Exchange budgets each account, not the app', () => {
    const { opts } = byId('bulk-add-batch-exchange');
    expect(opts.triggers).toEqual([
      expect.objectContaining({ name: 'tandem/bulk-batch.exchange-requested' }),
    ]);
    expect(opts.concurrency).toEqual({ key: 'event.data.enterpriseConnectionId', limit: 1 });
    expect(opts.throttle).toBeUndefined();
  });

  it('runs one bulk run per tenant at a time, queuing its batches', () => {
    const { opts } = byId('bulk-add');
    expect(opts.concurrency).toEqual({ key: 'event.data.tenantId', limit: 1 });
    expect(opts.throttle).toBeUndefined();
  });
});
