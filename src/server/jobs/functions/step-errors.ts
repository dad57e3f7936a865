import { NonRetriableError, RetryAfterError } from 'inngest';
import { NotFoundError } from '@/server/errors';
import { ProviderAuthRevokedError, ProviderError } from '@/server/providers/errors';
import { retryDelayFor } from '@/server/providers/retry';

/**
 * Turns a service's error into what Inngest should do about it (DESIGN.md §4 rule 6):
 * rate limits and outages come back after the provider's Retry-After (else exponential back-off);
 * revoked access, vanished calendars and refused requests are final, since retrying cannot help
 * (the services have already recorded the reason for the user); anything else is a bug or a
 * database hiccup and gets Inngest's own retries.
 * `attempt` is Inngest's zero-based attempt number.
 */
export function toStepError(error: unknown, attempt: number): unknown {
  if (error instanceof ProviderAuthRevokedError || error instanceof NotFoundError) {
    return new NonRetriableError(error.message, { cause: error });
  }
  if (!(error instanceof ProviderError)) return error;
  const delay = retryDelayFor(error, attempt + 1);
  if (delay === null) return new NonRetriableError(error.message, { cause: error });
  return new RetryAfterError(error.message, Math.max(delay, 1_000), { cause: error });
}

/** Runs a service call inside a step, mapping its error as above. */
export async function runService<T>(attempt: number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStepError(error, attempt);
  }
}
