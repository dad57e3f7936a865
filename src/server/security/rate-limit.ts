/**
 * A fixed-window counter per key, kept in this process's memory: cheap enough to run before any
 * database work, which is the point for floods of unauthenticated requests. Each instance counts
 * on its own, so N instances allow N times the limit; that is acceptable for limits meant to stop
 * floods, not to meter. (Sign-in back-off must hold across restarts and lives in the database:
 * src/server/auth/sign-in-throttle.ts.)
 */

export interface RateLimitRule {
  /** Requests allowed per key in one window. */
  limit: number;
  windowMs: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Window {
  startedAt: number;
  count: number;
}

/** Past this many keys, ended windows are dropped; an attacker with many addresses cannot grow memory. */
const DEFAULT_MAX_KEYS = 10_000;

export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    readonly rule: RateLimitRule,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {}

  /** Counts one request for `key` at `now` and says whether it may proceed. */
  take(key: string, now: Date): RateLimitDecision {
    const at = now.getTime();
    let window = this.windows.get(key);
    if (!window || at - window.startedAt >= this.rule.windowMs) {
      this.makeRoom(at);
      window = { startedAt: at, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.rule.limit) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + this.rule.windowMs - at) / 1000)),
    };
  }

  private makeRoom(at: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) {
      if (at - window.startedAt >= this.rule.windowMs) this.windows.delete(key);
    }
    // Still full of live windows: forget the oldest (Map keeps insertion order), fail open for them.
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}

/** A 429 with Retry-After, and nothing else to learn from. */
export function tooManyRequests(retryAfterSeconds: number): Response {
  return new Response(null, { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } });
}
