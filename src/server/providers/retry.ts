import { ProviderRateLimitedError, ProviderUnavailableError } from './errors';

export interface RetryPolicy {
  maxAttempts: number;
  /** First back-off when the provider gave no Retry-After; doubles each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/**
 * How long to wait before trying again after `error` on attempt `attempt` (1-based), or null when
 * retrying cannot help (auth revoked, not found, conflict, bad request, expired cursor).
 * The provider's Retry-After wins; otherwise exponential back-off with full jitter.
 */
export function retryDelayFor(
  error: unknown,
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number | null {
  const retryable = error instanceof ProviderRateLimitedError || error instanceof ProviderUnavailableError;
  if (!retryable) return null;
  if (error instanceof ProviderRateLimitedError && error.retryAfterMs !== null) return error.retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a provider call, retrying rate limits and outages as the provider asks. For calls made
 * while a user waits; background jobs leave retries to Inngest with the same `retryDelayFor`.
 */
export async function withProviderRetries<T>(
  call: () => Promise<T>,
  options: { policy?: RetryPolicy; sleep?: Sleep } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const delay = attempt < policy.maxAttempts ? retryDelayFor(error, attempt, policy) : null;
      if (delay === null) throw error;
      await sleep(delay);
    }
  }
}
