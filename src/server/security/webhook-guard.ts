import { clientAddress } from './client-address';
import { FixedWindowRateLimiter, tooManyRequests } from './rate-limit';

/**
 * The brake in front of the webhook routes, before any database work: requests per source address
 * per minute. Google and Microsoft deliver from many addresses and retry a 429 later, so a genuine
 * tenant stays far below this; a flood from one address is refused for the rest of its minute.
 */
export const WEBHOOK_REQUESTS_PER_ADDRESS_PER_MINUTE = 300;

/** Graph's notification bodies are a few kB; this leaves room for a full batch and no more. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

const perAddress = new FixedWindowRateLimiter({
  limit: WEBHOOK_REQUESTS_PER_ADDRESS_PER_MINUTE,
  windowMs: 60_000,
});

/** A 429 when the request's address has used its minute, else null. */
export function refuseWebhookFlood(
  request: Request,
  now: Date,
  limiter: FixedWindowRateLimiter = perAddress,
): Response | null {
  const decision = limiter.take(clientAddress(request.headers), now);
  return decision.allowed ? null : tooManyRequests(decision.retryAfterSeconds);
}
