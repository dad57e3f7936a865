import { DrizzleAdapter } from '@auth/drizzle-adapter';
import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { appDeps } from '@/server/app-deps';
import { accounts, sessions, users, verificationTokens } from '@/server/db/schema';
import { clientAddress } from '@/server/security/client-address';
import { attemptSignIn } from './credentials';
import { SESSION_MAX_AGE_SECONDS, sessionCallbacks } from './sessions';

/** Thrown out of authorize so the sign-in action can say when to try again. */
export class SignInThrottled extends CredentialsSignin {
  override code = 'throttled';
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

declare module 'next-auth' {
  interface User {
    tenantId?: string;
  }
  interface Session {
    tenantId: string;
  }
}

// Lazy so that the database opens on first use, not when Next.js imports the module at build.
export const { handlers, auth, signIn, signOut } = NextAuth(async () => {
  const { db, authSecret, now } = await appDeps();
  const serverSessions = sessionCallbacks(db, now);
  return {
    secret: authSecret,
    trustHost: true,
    // The adapter keeps users and linked accounts; sign-in with a password needs JWT sessions
    // (Auth.js does not create database sessions for the Credentials provider). The token holds
    // only ids: role and permissions are read from the database on every request, and the
    // session id is checked against `sessions` on every request (sessions.ts), so sign-out and
    // credential changes end it at once.
    adapter: DrizzleAdapter(db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    } as never),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    logger: {
      // A wrong password is an answer on the page, not a server error worth a stack trace.
      error(error) {
        if (error instanceof CredentialsSignin) return;
        console.error('[auth]', error);
      },
    },
    pages: { signIn: '/sign-in' },
    providers: [
      Credentials({
        credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
        async authorize(raw, request) {
          const outcome = await attemptSignIn(db, raw, clientAddress(request.headers), now());
          if (outcome.status === 'throttled') throw new SignInThrottled(outcome.retryAfterSeconds);
          return outcome.status === 'signed_in' ? outcome.user : null;
        },
      }),
    ],
    events: { signOut: (message) => serverSessions.signOut('token' in message ? message : {}) },
    callbacks: {
      jwt: ({ token, user }) => serverSessions.jwt({ token, user }),
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        session.tenantId = typeof token.tenantId === 'string' ? token.tenantId : '';
        return session;
      },
    },
  } satisfies NextAuthConfig;
});

/** The signed-in identity for tRPC and pages, or null. */
export async function currentIdentity(): Promise<{ userId: string; tenantId: string } | null> {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId || !session.tenantId) return null;
  return { userId, tenantId: session.tenantId };
}
