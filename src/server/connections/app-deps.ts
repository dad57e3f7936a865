import 'server-only';
import { currentIdentity } from '@/server/auth/config';
import { keyRingFromEnv } from '@/server/crypto/keyring-from-env';
import { getDb } from '@/server/db';
import { getJobDispatcher } from '@/server/jobs/dispatcher';
import type { OAuthConnectDeps } from './oauth-connect';
import { oauthCallbackRedirect, oauthStartRedirect, SETTINGS_PATH } from './oauth-routes';
import { providerAppsFromEnv } from './provider-apps';

/** The OAuth connect services' dependencies in the running app. */
export async function oauthConnectDepsFromEnv(): Promise<OAuthConnectDeps> {
  return {
    db: await getDb(),
    keys: keyRingFromEnv(),
    apps: providerAppsFromEnv(),
    jobs: getJobDispatcher(),
    now: () => new Date(),
  };
}

/** Where `GET /api/connections/<provider>/start|callback` sends the browser, for the signed-in user. */
export async function oauthRouteRedirect(step: 'start' | 'callback', provider: string, query: URLSearchParams): Promise<URL> {
  let deps: OAuthConnectDeps;
  try {
    deps = await oauthConnectDepsFromEnv();
  } catch (error) {
    // Missing keys or jobs: the server is not set up for connections; the log says what is missing.
    console.error('[connections] cannot connect calendars:', error);
    const url = new URL(SETTINGS_PATH, providerAppsFromEnv().appUrl);
    url.searchParams.set('error', 'not_configured');
    return url;
  }
  const identity = await currentIdentity();
  return step === 'start'
    ? oauthStartRedirect(deps, identity, provider, query)
    : oauthCallbackRedirect(deps, identity, provider, query);
}
