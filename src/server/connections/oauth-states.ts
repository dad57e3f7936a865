import { and, desc, eq, lt, notInArray } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { oauthStates } from '@/server/db/schema';

/** More tabs than anyone opens on the consent page at once; more is someone looping /start. */
export const MAX_PENDING_CONNECTS_PER_MEMBER = 5;

/**
 * Keeps oauth_states bounded, before a connect adds its row: expired rows of every tenant go
 * (nothing reads them again: the callback refuses them), and the member keeps only their newest
 * pending attempts, so requests to /start cannot grow the table either.
 */
export async function sweepOAuthStates(
  db: Database,
  member: { tenantId: string; userId: string },
  now: Date,
): Promise<void> {
  await db.delete(oauthStates).where(lt(oauthStates.expiresAt, now));
  const newest = db
    .select({ state: oauthStates.state })
    .from(oauthStates)
    .where(and(eq(oauthStates.tenantId, member.tenantId), eq(oauthStates.userId, member.userId)))
    .orderBy(desc(oauthStates.expiresAt))
    .limit(MAX_PENDING_CONNECTS_PER_MEMBER - 1);
  await db
    .delete(oauthStates)
    .where(
      and(
        eq(oauthStates.tenantId, member.tenantId),
        eq(oauthStates.userId, member.userId),
        notInArray(oauthStates.state, newest),
      ),
    );
}
