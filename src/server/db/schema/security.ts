import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const SIGN_IN_THROTTLE_SCOPES = ['account', 'address'] as const;
export type SignInThrottleScope = (typeof SIGN_IN_THROTTLE_SCOPES)[number];

/**
 * Failed sign-ins per account (the email as typed, lower-cased, whether or not it exists) and per
 * client address, kept in the database so the back-off holds across restarts and instances.
 * Not tenant-scoped: sign-in happens before any tenant is known.
 */
export const signInThrottles = pgTable(
  'sign_in_throttles',
  {
    scope: text().$type<SignInThrottleScope>().notNull(),
    key: text().notNull(),
    /** Failures since the window opened. */
    failures: integer().notNull().default(0),
    windowStartedAt: timestamp({ withTimezone: true }).notNull(),
    /** How many times this key has been blocked: the next block lasts twice as long. */
    blocks: integer().notNull().default(0),
    blockedUntil: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);
