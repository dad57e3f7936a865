import { getEnv, type Env } from '@/env';
import { googleEndpointsAt, type GoogleClientConfig, type GoogleEndpoints } from '@/server/providers/google';
import type { MicrosoftAppConfig } from '@/server/providers/microsoft';

/** Providers a user connects with OAuth (the others take a user name and password). */
export const OAUTH_PROVIDERS = ['google', 'microsoft'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

export function isOAuthProvider(value: string): value is OAuthProvider {
  return (OAUTH_PROVIDERS as readonly string[]).includes(value);
}

/**
 * The OAuth apps Tandem is registered as, and where the providers are: real Google and Microsoft
 * in production, the emulators in the demo and tests. A provider whose app is not configured is
 * null: connecting it is refused with a plain message.
 */
export interface ProviderApps {
  /** The app's public URL; the OAuth redirect URIs hang below it. */
  appUrl: string;
  google: { clientId: string; clientSecret: string; endpoints?: Partial<GoogleEndpoints> } | null;
  microsoft: Omit<MicrosoftAppConfig, 'tenant'> & { tenant: string } | null;
}

export function providerAppsFromEnv(env: Env = getEnv()): ProviderApps {
  return {
    appUrl: env.APP_URL,
    google:
      env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
        ? {
            clientId: env.GOOGLE_CLIENT_ID,
            clientSecret: env.GOOGLE_CLIENT_SECRET,
            ...(env.GOOGLE_BASE_URL ? { endpoints: googleEndpointsAt(env.GOOGLE_BASE_URL) } : {}),
          }
        : null,
    microsoft:
      env.MICROSOFT_CLIENT_ID && env.MICROSOFT_CLIENT_SECRET
        ? {
            clientId: env.MICROSOFT_CLIENT_ID,
            clientSecret: env.MICROSOFT_CLIENT_SECRET,
            tenant: env.MICROSOFT_TENANT,
            ...(env.MICROSOFT_GRAPH_BASE_URL ? { graphBaseUrl: env.MICROSOFT_GRAPH_BASE_URL } : {}),
            ...(env.MICROSOFT_AUTHORITY_BASE_URL ? { authorityBaseUrl: env.MICROSOFT_AUTHORITY_BASE_URL } : {}),
          }
        : null,
  };
}

/** `${APP_URL}/api/connections/<provider>/callback`: what the OAuth apps must have registered. */
export function redirectUriFor(apps: Pick<ProviderApps, 'appUrl'>, provider: OAuthProvider): string {
  return new URL(`/api/connections/${provider}/callback`, apps.appUrl).toString();
}

export function googleClientConfig(apps: ProviderApps): GoogleClientConfig | null {
  if (!apps.google) return null;
  return { ...apps.google, redirectUri: redirectUriFor(apps, 'google') };
}

export function microsoftAppConfig(apps: ProviderApps): MicrosoftAppConfig | null {
  return apps.microsoft;
}
