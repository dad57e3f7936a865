import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { signInThrottles, type SignInThrottleScope } from '@/server/db/schema';

/**
 * Sign-in back-off per account and per client address, in the database (it must survive a
 * restart, or a restart would reset an attacker's count). Each attempt is counted *before* the
 * password is checked, so parallel guesses are counted too, and a success takes its count back:
 * only failures accumulate. Past the limit a key is blocked, for twice as long each time
 * (FIRST_BLOCK_MS … MAX_BLOCK_MS), and a blocked attempt is refused before any password hashing.
 * The account key is the email as typed, so an unknown address is throttled exactly like a real one.
 */

export interface ThrottleRule {
  /** Attempts allowed in one window before the key is blocked. */
  attempts: number;
  windowMs: number;
}

export const SIGN_IN_RULES: Record<SignInThrottleScope, ThrottleRule> = {
  account: { attempts: 5, windowMs: 15 * 60_000 },
  // Higher: a school or office signs in from one address.
  address: { attempts: 30, windowMs: 15 * 60_000 },
};

export const FIRST_BLOCK_MS = 60_000;
export const MAX_BLOCK_MS = 60 * 60_000;
/** A key that behaved for this long starts again from the first, shortest block. */
const BLOCKS_FORGOTTEN_AFTER_MS = 24 * 60 * 60_000;

export interface SignInKeys {
  /** Lower-cased email. */
  account: string;
  address: string;
}

export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

function iso(date: Date) {
  return sql`${date.toISOString()}::timestamptz`;
}

/** Counts one attempt against a key; the seconds it stays blocked, or 0 when the attempt may go on. */
async function countAttempt(
  db: Database,
  scope: SignInThrottleScope,
  key: string,
  now: Date,
): Promise<number> {
  const rule = SIGN_IN_RULES[scope];
  const t = signInThrottles;
  const windowOpen = sql`${t.windowStartedAt} > ${iso(new Date(now.getTime() - rule.windowMs))}`;
  const [counted] = await db
    .insert(t)
    .values({ scope, key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: [t.scope, t.key],
      set: {
        failures: sql`case when ${windowOpen} then ${t.failures} + 1 else 1 end`,
        windowStartedAt: sql`case when ${windowOpen} then ${t.windowStartedAt} else ${iso(now)} end`,
      },
      // A blocked key is not counted further: the block already says when to come back.
      setWhere: sql`${t.blockedUntil} is null or ${t.blockedUntil} <= ${iso(now)}`,
    })
    .returning({ failures: t.failures, blocks: t.blocks, blockedUntil: t.blockedUntil });
  if (!counted) {
    const [blocked] = await db
      .select({ blockedUntil: t.blockedUntil })
      .from(t)
      .where(and(eq(t.scope, scope), eq(t.key, key)));
    return secondsUntil(blocked?.blockedUntil ?? now, now);
  }
  if (counted.failures <= rule.attempts) return 0;
  const forgotten =
    !counted.blockedUntil || now.getTime() - counted.blockedUntil.getTime() > BLOCKS_FORGOTTEN_AFTER_MS;
  const blocks = forgotten ? 1 : counted.blocks + 1;
  const blockedUntil = new Date(now.getTime() + Math.min(FIRST_BLOCK_MS * 2 ** (blocks - 1), MAX_BLOCK_MS));
  await db
    .update(t)
    .set({ failures: 0, windowStartedAt: now, blocks, blockedUntil })
    .where(and(eq(t.scope, scope), eq(t.key, key)));
  return secondsUntil(blockedUntil, now);
}

function secondsUntil(until: Date, now: Date): number {
  return Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** Before a password is checked: counts the attempt on both keys, or says how long they are blocked. */
export async function beginSignInAttempt(
  db: Database,
  keys: SignInKeys,
  now: Date,
): Promise<AttemptDecision> {
  const waits = [
    await countAttempt(db, 'account', keys.account, now),
    await countAttempt(db, 'address', keys.address, now),
  ];
  const retryAfterSeconds = Math.max(...waits);
  return retryAfterSeconds > 0 ? { allowed: false, retryAfterSeconds } : { allowed: true };
}

/** The attempt succeeded: the account starts afresh, and the address gets this attempt back. */
export async function settleSuccessfulSignIn(db: Database, keys: SignInKeys): Promise<void> {
  const t = signInThrottles;
  await db.delete(t).where(and(eq(t.scope, 'account'), eq(t.key, keys.account)));
  await db
    .update(t)
    .set({ failures: sql`greatest(${t.failures} - 1, 0)` })
    .where(and(eq(t.scope, 'address'), eq(t.key, keys.address)));
}

/** "Too many attempts. Try again in 3 minutes." — the same words whether or not the account exists. */
export function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}
