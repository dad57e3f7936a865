import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { sessions } from '@/server/db/schema';

/**
 * Server-side sessions behind the JWT cookie. Auth.js keeps Credentials sign-ins in a JWT, which
 * on its own stays valid until it expires whatever happens; so each sign-in opens a row in
 * `sessions` and the JWT carries its id, checked on every request. Signing out deletes the row;
 * a password change, a role or permission change and the end of a membership delete every row of
 * the user (database triggers, migration 0003, so no code path can forget it).
 */

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** Opens a session for a user who just signed in; its id goes into their JWT. */
export async function openSession(db: Database, userId: string, now: Date): Promise<string> {
  const sessionToken = randomBytes(32).toString('base64url');
  // The user's expired sessions go as a new one opens, so the table stays bounded per user.
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expires, now)));
  await db
    .insert(sessions)
    .values({ sessionToken, userId, expires: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) });
  return sessionToken;
}

export async function isSessionLive(
  db: Database,
  sessionToken: string,
  userId: string,
  now: Date,
): Promise<boolean> {
  const [row] = await db
    .select({ userId: sessions.userId })
    .from(sessions)
    .where(
      and(eq(sessions.sessionToken, sessionToken), eq(sessions.userId, userId), gt(sessions.expires, now)),
    );
  return Boolean(row);
}

export async function endSession(db: Database, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.sessionToken, sessionToken));
}

/** What Auth.js keeps in the JWT: the user, their tenant, the session id. */
export interface SessionToken {
  sub?: string;
  tenantId?: unknown;
  sid?: unknown;
  [claim: string]: unknown;
}

/**
 * The JWT callback and sign-out event for Auth.js: a sign-in opens a session; any later request
 * with a token whose session is gone (signed out, expired, ended by a password or role change)
 * answers null, which makes Auth.js drop the cookie and treat the request as signed out.
 */
export function sessionCallbacks(db: Database, now: () => Date) {
  return {
    async jwt<T extends SessionToken>({
      token,
      user,
    }: {
      token: T;
      user?: { id?: string; tenantId?: string } | null;
    }): Promise<T | null> {
      if (user?.id && user.tenantId) {
        return {
          ...token,
          sub: user.id,
          tenantId: user.tenantId,
          sid: await openSession(db, user.id, now()),
        };
      }
      if (typeof token.sid !== 'string' || !token.sub) return null;
      return (await isSessionLive(db, token.sid, token.sub, now())) ? token : null;
    },
    async signOut(message: { token?: SessionToken | null }): Promise<void> {
      if (typeof message.token?.sid === 'string') await endSession(db, message.token.sid);
    },
  };
}
