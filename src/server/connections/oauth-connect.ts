import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '@/server/app-deps/types';
import { decryptJson, encryptJson } from '@/server/crypto/secrets';
import { calendarConnections, oauthStates } from '@/server/db/schema';
import {
  CalendarServiceUnavailableError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '@/server/errors';
import { ProviderAuthRevokedError, ProviderBadRequestError, ProviderError } from '@/server/providers/errors';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import type { AccountKind, OAuthAccount, OAuthApp } from '@/server/providers/types';
import type { Actor } from '@/server/tenants/actor';
import { assertProviderAllowed, findOwnConnection } from './access';
import type { ConnectFailure } from './connect-failures';
import { decryptCredentials, encryptCredentials, oauthCredentials } from './credentials';
import { sweepOAuthStates } from './oauth-states';
import type { OAuthProvider } from './provider-apps';
import { saveConnection } from './save-connection';

/** How long a user has to finish the provider's consent page. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

export type OAuthConnectDeps = Pick<AppDeps, 'db' | 'keyRing' | 'oauthApps' | 'jobs' | 'now' | 'appUrl'>;

type Member = Pick<Actor, 'userId' | 'tenantId'>;

/** A connect that cannot finish, with the reason the settings page explains. */
export class ConnectRefusedError extends InvalidInputError {
  constructor(
    readonly failure: ConnectFailure,
    message: string,
  ) {
    super(message);
  }
}

/** What the oauth_states row keeps, encrypted: the PKCE verifier and what the user asked for. */
const pendingConnectSchema = z.object({
  codeVerifier: z.string().min(43),
  accountKind: z.enum(['work', 'personal']).optional(),
});

export interface BeginOAuthConnectInput {
  provider: OAuthProvider;
  /** Reconnecting this connection (after revoked access): its account is suggested to the provider. */
  reconnectConnectionId?: string | null;
  /** Microsoft: a personal (Outlook.com) account rather than work or school. */
  accountKind?: AccountKind;
}

/**
 * Starts an OAuth connect: PKCE (S256) verifier and a random state, kept in oauth_states bound to
 * the member for ten minutes. Returns the provider's consent URL to send the browser to.
 */
export async function beginOAuthConnect(
  deps: OAuthConnectDeps,
  member: Member,
  input: BeginOAuthConnectInput,
): Promise<{ authorizationUrl: string }> {
  const { db } = deps;
  const keys = deps.keyRing();
  await assertProviderAllowed(db, member.tenantId, input.provider);
  const now = deps.now();
  let loginHint: string | undefined;
  let accountKind = input.accountKind;
  if (input.reconnectConnectionId) {
    const connection = await findOwnConnection(db, member, input.reconnectConnectionId);
    if (!connection || connection.provider !== input.provider)
      throw new NotFoundError('Calendar connection not found');
    loginHint = connection.accountEmail;
    const stored = decryptCredentials(keys, connection.encryptedCredentials);
    if (stored.kind === 'oauth' && stored.accountKind) accountKind ??= stored.accountKind;
  }

  const app = configuredApp(deps, input.provider);
  const {
    url: authorizationUrl,
    state,
    codeVerifier,
  } = await app.authorizationRequest(loginHint ? { loginHint } : {});

  await sweepOAuthStates(db, member, now);
  await db.insert(oauthStates).values({
    state,
    tenantId: member.tenantId,
    userId: member.userId,
    provider: input.provider,
    encryptedCodeVerifier: encryptJson(keys, { codeVerifier, ...(accountKind ? { accountKind } : {}) }),
    connectionId: input.reconnectConnectionId ?? null,
    expiresAt: new Date(now.getTime() + OAUTH_STATE_TTL_MS),
  });
  return { authorizationUrl };
}

export interface CompleteOAuthConnectInput {
  provider: OAuthProvider;
  state: string;
  code: string;
}

/**
 * Finishes an OAuth connect from the provider's callback: the state must be this member's,
 * unexpired and unused (it is consumed either way); the code is exchanged with the PKCE verifier;
 * the connection is created, or updated and made active again when the account was connected
 * before (reconnect). Its calendars are then imported in the background.
 */
export async function completeOAuthConnect(
  deps: OAuthConnectDeps,
  member: Member,
  input: CompleteOAuthConnectInput,
): Promise<{ connectionId: string; reconnected: boolean }> {
  const { db } = deps;
  const keys = deps.keyRing();
  const now = deps.now();
  const [pending] = await db
    .delete(oauthStates)
    .where(
      and(
        eq(oauthStates.state, input.state),
        eq(oauthStates.tenantId, member.tenantId),
        eq(oauthStates.userId, member.userId),
      ),
    )
    .returning();
  if (!pending || pending.provider !== input.provider || pending.expiresAt.getTime() <= now.getTime()) {
    throw new ConnectRefusedError(
      'expired',
      'This sign-in has expired, was already used, or was started by someone else. Please start again.',
    );
  }
  await assertProviderAllowed(db, member.tenantId, input.provider);
  const { codeVerifier, accountKind } = decryptJson(keys, pending.encryptedCodeVerifier, (value) =>
    pendingConnectSchema.parse(value),
  );

  const account = await exchangeCode(deps, input.provider, {
    code: input.code,
    codeVerifier,
    ...(accountKind ? { accountKind } : {}),
  });
  const accountEmail = account.email.toLowerCase();

  if (pending.connectionId) {
    const reconnecting = await findOwnConnection(db, member, pending.connectionId);
    if (reconnecting && reconnecting.accountEmail.toLowerCase() !== accountEmail) {
      throw new ConnectRefusedError(
        'wrong_account',
        `You signed in as ${accountEmail}, but this connection is for ${reconnecting.accountEmail}. Please sign in with that account.`,
      );
    }
  }

  const [existing] = await db
    .select()
    .from(calendarConnections)
    .where(
      and(
        eq(calendarConnections.tenantId, member.tenantId),
        eq(calendarConnections.userId, member.userId),
        eq(calendarConnections.provider, input.provider),
        eq(calendarConnections.accountEmail, accountEmail),
      ),
    );
  // Google issues a refresh token only on consent; keep the one we have if none came back.
  let refreshToken = account.tokens.refreshToken;
  if (!refreshToken && existing) {
    const previous = decryptCredentials(keys, existing.encryptedCredentials);
    if (previous.kind === 'oauth') refreshToken = previous.refreshToken;
  }
  const encryptedCredentials = encryptCredentials(
    keys,
    oauthCredentials({ ...account.tokens, refreshToken }, account.accountKind),
  );
  const { connectionId } = await saveConnection(deps, member, {
    provider: input.provider,
    accountEmail,
    displayName: account.displayName,
    encryptedCredentials,
  });
  return { connectionId, reconnected: !!existing };
}

/** The reason to show for an error thrown by beginOAuthConnect / completeOAuthConnect. */
export function connectFailureOf(error: unknown): ConnectFailure {
  if (error instanceof ConnectRefusedError) return error.failure;
  if (error instanceof ForbiddenError) return 'not_allowed';
  if (error instanceof CalendarServiceUnavailableError) return 'unavailable';
  if (error instanceof NotFoundError) return 'expired';
  if (error instanceof DomainError) return 'refused';
  return 'failed';
}

async function exchangeCode(
  deps: OAuthConnectDeps,
  provider: OAuthProvider,
  params: { code: string; codeVerifier: string; accountKind?: AccountKind },
): Promise<OAuthAccount> {
  const label = PROVIDER_LABELS[provider];
  try {
    const account = await configuredApp(deps, provider).exchangeCode(params);
    if (!account.email)
      throw new ConnectRefusedError('refused', `${label} did not tell us which account you signed in with.`);
    return account;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (error instanceof ProviderAuthRevokedError || error instanceof ProviderBadRequestError) {
      throw new ConnectRefusedError(
        'refused',
        `${label} refused the sign-in (the code was already used or has expired). Please try again.`,
      );
    }
    if (error instanceof ProviderError) {
      throw new CalendarServiceUnavailableError(
        `${label} could not be reached. Please try again in a moment.`,
        { cause: error },
      );
    }
    throw error;
  }
}

function configuredApp(deps: Pick<OAuthConnectDeps, 'oauthApps'>, provider: OAuthProvider): OAuthApp {
  const app = deps.oauthApps[provider];
  if (!app)
    throw new ConnectRefusedError(
      'not_configured',
      `${PROVIDER_LABELS[provider]} is not set up on this server yet.`,
    );
  return app;
}
