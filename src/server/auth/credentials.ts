import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Executor } from '@/server/db/client';
import { memberships, users } from '@/server/db/schema';
import { decoyPasswordHash, verifyPassword } from './passwords';
import { beginSignInAttempt, settleSuccessfulSignIn } from './sign-in-throttle';

export const credentialsSchema = z.object({
  email: z
    .email('Enter a valid email address')
    .max(320)
    .transform((email) => email.toLowerCase()),
  password: z.string().min(1, 'Enter your password').max(512),
});

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string | null;
  tenantId: string;
}

/**
 * Checks an email and password. Unknown email, wrong password and a user without a tenant all
 * answer null (the sign-in page shows one message, so it never reveals who has an account).
 */
export async function verifyCredentials(db: Executor, raw: unknown): Promise<AuthenticatedUser | null> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email));
  if (!user?.passwordHash) {
    await verifyPassword(await decoyPasswordHash(), password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  // A user in several tenants starts in the one they joined first.
  const [membership] = await db
    .select({ tenantId: memberships.tenantId })
    .from(memberships)
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  if (!membership) return null;
  return { id: user.id, email: user.email, name: user.name, tenantId: membership.tenantId };
}

export type SignInOutcome =
  | { status: 'signed_in'; user: AuthenticatedUser }
  | { status: 'refused' }
  | { status: 'throttled'; retryAfterSeconds: number };

/**
 * A sign-in attempt from `address`: throttled per account and per address (sign-in-throttle.ts)
 * before any password hashing, then checked as verifyCredentials does.
 */
export async function attemptSignIn(
  db: Database,
  raw: unknown,
  address: string,
  now: Date,
): Promise<SignInOutcome> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return { status: 'refused' };
  const keys = { account: parsed.data.email, address };
  const decision = await beginSignInAttempt(db, keys, now);
  if (!decision.allowed) return { status: 'throttled', retryAfterSeconds: decision.retryAfterSeconds };
  const user = await verifyCredentials(db, parsed.data);
  if (!user) return { status: 'refused' };
  await settleSuccessfulSignIn(db, keys);
  return { status: 'signed_in', user };
}
