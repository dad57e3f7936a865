import { createGoogleOAuthApp, type GoogleClientConfig } from '@/server/providers/google';
import { createMicrosoftOAuthApp, type MicrosoftAppConfig } from '@/server/providers/microsoft';
import type { OAuthApp } from '@/server/providers/types';

/** Providers a user connects with OAuth (the others take a user name and password). */
export const OAUTH_PROVIDERS = ['google', 'microsoft'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

export function isOAuthProvider(value: string): value is OAuthProvider {
  return (OAUTH_PROVIDERS as readonly string[]).includes(value);
}

/**
 * The OAuth clients Tandem is registered as, and where the providers are: real Google and
 * Microsoft in production, the emulators in the demo and tests. The adapters need them to refresh
 * tokens. A provider whose client is not configured is null: connecting it is refused plainly.
 */
export interface OAuthClients {
  google: GoogleClientConfig | null;
  microsoft: MicrosoftAppConfig | null;
}

/** The OAuth apps by provider, for connecting and disconnecting accounts; null where not configured. */
export type OAuthApps = Record<OAuthProvider, OAuthApp | null>;

/** `${APP_URL}/api/connections/<provider>/callback`: what the OAuth apps must have registered. */
export function redirectUriFor(appUrl: string, provider: OAuthProvider): string {
  return new URL(`/api/connections/${provider}/callback`, appUrl).toString();
}

export function createOAuthApps(clients: OAuthClients, appUrl: string): OAuthApps {
  return {
    google: clients.google && createGoogleOAuthApp(clients.google),
    microsoft:
      clients.microsoft && createMicrosoftOAuthApp(clients.microsoft, redirectUriFor(appUrl, 'microsoft')),
  };
}
