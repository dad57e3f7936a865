import { FixedWindowRateLimiter, type RateLimitDecision } from './rate-limit';

export type CallType = 'query' | 'mutation' | 'subscription';

/** Calls a signed-in user may make per minute, by kind: reads are cheap and pages make several. */
export const CALLS_PER_USER_PER_MINUTE: Record<CallType, number> = {
  query: 600,
  mutation: 60,
  subscription: 60,
};

/** The per-user budget every authenticated tRPC procedure draws from (src/server/api/trpc.ts). */
export interface UserCallLimits {
  take(userId: string, type: CallType, now: Date): RateLimitDecision;
}

/** In this process's memory (see rate-limit.ts for why that is enough for one instance). */
export function perUserCallLimits(
  perMinute: Record<CallType, number> = CALLS_PER_USER_PER_MINUTE,
): UserCallLimits {
  const limiters = Object.fromEntries(
    Object.entries(perMinute).map(([type, limit]) => [
      type,
      new FixedWindowRateLimiter({ limit, windowMs: 60_000 }),
    ]),
  ) as Record<CallType, FixedWindowRateLimiter>;
  return { take: (userId, type, now) => limiters[type].take(userId, now) };
}

export const unlimitedCalls: UserCallLimits = { take: () => ({ allowed: true }) };
