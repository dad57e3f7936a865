import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { oauthStates } from '@/server/db/schema';
import { findActor } from '@/server/tenants/actor';
import { opaqueToken } from '@/server/validation/text';
import type { ConnectFailure } from './connect-failures';
import {
  beginOAuthConnect,
  completeOAuthConnect,
  connectFailureOf,
  type OAuthConnectDeps,
} from './oauth-connect';
import { isOAuthProvider } from './provider-apps';

/**
 * What `GET /api/connections/<provider>/start|callback` do, apart from Next.js: each returns where
 * to send the browser. Failures land on the settings page with a reason it explains
 * (CONNECT_FAILURE_MESSAGES); details go to the server log only.
 */

export const SETTINGS_PATH = '/settings/calendars';

interface Identity {
  userId: string;
  tenantId: string;
}

function settingsUrl(deps: OAuthConnectDeps, params: Record<string, string>): URL {
  const url = new URL(SETTINGS_PATH, deps.appUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url;
}

function failed(deps: OAuthConnectDeps, reason: ConnectFailure): URL {
  return settingsUrl(deps, { error: reason });
}

function logged(error: unknown, where: string): unknown {
  console.warn(`[connections] ${where}:`, error instanceof Error ? `${error.name}: ${error.message}` : error);
  return error;
}

const startQuery = z.object({
  reconnect: z.uuid().optional(),
  account: z.enum(['work', 'personal']).optional(),
});

/** `GET /api/connections/<provider>/start[?reconnect=<id>][&account=personal]` → the consent page. */
export async function oauthStartRedirect(
  deps: OAuthConnectDeps,
  identity: Identity | null,
  provider: string,
  query: URLSearchParams,
): Promise<URL> {
  if (!identity) {
    const signIn = new URL('/sign-in', deps.appUrl);
    signIn.searchParams.set('next', SETTINGS_PATH);
    return signIn;
  }
  if (!isOAuthProvider(provider)) return failed(deps, 'not_configured');
  const parsed = startQuery.safeParse(Object.fromEntries(query));
  if (!parsed.success) return failed(deps, 'failed');
  try {
    const actor = await findActor(deps.db, identity);
    if (!actor) return failed(deps, 'expired');
    const { authorizationUrl } = await beginOAuthConnect(deps, actor, {
      provider,
      reconnectConnectionId: parsed.data.reconnect ?? null,
      ...(parsed.data.account ? { accountKind: parsed.data.account } : {}),
    });
    return new URL(authorizationUrl);
  } catch (error) {
    return failed(deps, connectFailureOf(logged(error, `starting a ${provider} connect`)));
  }
}

/** What a provider sends back; anything else (a NUL byte, say) is not a callback but a probe. */
export const callbackQuery = z.object({
  state: opaqueToken(512),
  code: opaqueToken(4096).optional(),
  error: opaqueToken(512).optional(),
});

/** `GET /api/connections/<provider>/callback?code&state` (or `?error&state`) → the settings page. */
export async function oauthCallbackRedirect(
  deps: OAuthConnectDeps,
  identity: Identity | null,
  provider: string,
  query: URLSearchParams,
): Promise<URL> {
  if (!identity || !isOAuthProvider(provider)) return failed(deps, 'expired');
  const parsed = callbackQuery.safeParse(Object.fromEntries(query));
  if (!parsed.success) return failed(deps, 'expired');
  const { state, code, error } = parsed.data;
  if (error || !code) {
    // The user cancelled (or the provider refused before consent): the attempt is over.
    await deps.db
      .delete(oauthStates)
      .where(
        and(
          eq(oauthStates.state, state),
          eq(oauthStates.tenantId, identity.tenantId),
          eq(oauthStates.userId, identity.userId),
        ),
      );
    return failed(deps, error === 'access_denied' ? 'denied' : 'refused');
  }
  try {
    const actor = await findActor(deps.db, identity);
    if (!actor) return failed(deps, 'expired');
    await completeOAuthConnect(deps, actor, { provider, state, code });
    return settingsUrl(deps, { connected: provider });
  } catch (caught) {
    return failed(deps, connectFailureOf(logged(caught, `completing a ${provider} connect`)));
  }
}

/**
 * `GET /api/connections/<provider>/start|callback` for the signed-in identity. A server without
 * encryption keys cannot store tokens: it says "not set up" and the log says what is missing.
 */
export async function oauthRouteRedirect(
  deps: OAuthConnectDeps,
  identity: Identity | null,
  step: 'start' | 'callback',
  provider: string,
  query: URLSearchParams,
): Promise<URL> {
  try {
    deps.keyRing();
  } catch (error) {
    console.error('[connections] cannot connect calendars:', error);
    return failed(deps, 'not_configured');
  }
  return step === 'start'
    ? oauthStartRedirect(deps, identity, provider, query)
    : oauthCallbackRedirect(deps, identity, provider, query);
}
