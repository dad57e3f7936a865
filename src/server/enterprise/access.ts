import { createHash } from 'node:crypto';
import { ProviderBadRequestError } from '@/server/providers/errors';
import {
  ApplicationTokenSource,
  createMicrosoftProvider,
  DEFAULT_AUTHORITY_BASE_URL,
  listDirectoryUsers,
  type AccessTokenSource,
  type DirectoryUser,
  type MicrosoftAppConfig,
} from '@/server/providers/microsoft';
import {
  createGoogleProvider,
  createServiceAccountClient,
  DIRECTORY_READ_SCOPE,
  GOOGLE_CALENDAR_SCOPES,
  listWorkspaceUsers,
  type GoogleEndpoints,
  type JwtClient,
} from '@/server/providers/google';
import type { CalendarProvider } from '@/server/providers/types';
import { actAsExchangeMailbox, exchangeDirectory, type ExchangeEndpoints } from './exchange-access';
import type { EnterpriseApp } from './secrets';

/**
 * Acting as a member with the tenant's enterprise access (DESIGN.md §10): Microsoft 365 by app-only
 * Graph calls on `/users/{address}`, Google Workspace by a service account's JWT with the member
 * as `subject`, each reusing the same adapter as delegated connections, so sync and delivery do
 * not know the difference. One client-credentials token per app and directory,
 * shared by every mailbox (a bulk add of 1,000 people asks for one token, not 1,000).
 */

export interface EnterpriseEndpoints {
  microsoft: { graphBaseUrl?: string; authorityBaseUrl?: string };
  /** Where Google is (API, token URL): Google's own endpoints unless a base URL is configured. */
  google?: Partial<GoogleEndpoints>;
  /** Which Exchange Server addresses may be reached (strict unless given). */
  exchange?: ExchangeEndpoints;
}

/** What the Workspace admin authorises for the service account's client id (domain-wide delegation). */
export const GOOGLE_WORKSPACE_SCOPES = [...GOOGLE_CALENDAR_SCOPES, DIRECTORY_READ_SCOPE];

export interface EnterpriseAccess {
  /** The adapter acting as `subject` (an address in the directory). */
  actAs(app: EnterpriseApp, subject: string): CalendarProvider;
  /**
   * Everyone in the directory, with the number of provider calls it took. Exchange lists no
   * directory over EWS: it answers for `candidates` only (the people chosen), one lookup each.
   */
  directory(
    app: EnterpriseApp,
    options?: { firstPageOnly?: boolean; candidates?: readonly string[] },
  ): Promise<{ users: DirectoryUser[]; calls: number }>;
  /**
   * Where a Microsoft 365 admin grants the app's permissions for the directory (admin consent);
   * Microsoft hands `state` back on the redirect URI.
   */
  consentUrl(directory: string, clientId: string, redirectUri: string, state: string): string;
}

export type { DirectoryUser };

const MAX_JWT_CLIENTS = 5000;

export function createEnterpriseAccess(
  endpoints: EnterpriseEndpoints,
  now: () => Date = () => new Date(),
): EnterpriseAccess {
  const tokenSources = new Map<string, AccessTokenSource>();
  // One JWT client per key and member keeps its access token for the hour Google gives it; the
  // oldest are dropped so a tenant of thousands does not hold a client per person forever.
  const jwtClients = new Map<string, JwtClient>();

  function googleClient(app: EnterpriseApp, subject: string, scopes: readonly string[]): JwtClient {
    if (app.secret.provider !== 'google' || !app.serviceAccountEmail)
      throw new ProviderBadRequestError(`enterprise connection ${app.id}: not a Google Workspace one`);
    const key = createHash('sha256')
      .update(`${app.serviceAccountEmail}\n${app.secret.privateKey}\n${subject}\n${scopes.join(' ')}`)
      .digest('hex');
    let client = jwtClients.get(key);
    if (!client) {
      client = createServiceAccountClient(
        {
          clientEmail: app.serviceAccountEmail,
          privateKey: app.secret.privateKey,
          privateKeyId: app.secret.privateKeyId,
        },
        { scopes, subject, ...(endpoints.google ? { endpoints: endpoints.google } : {}) },
      );
      if (jwtClients.size >= MAX_JWT_CLIENTS) jwtClients.delete(jwtClients.keys().next().value ?? '');
      jwtClients.set(key, client);
    }
    return client;
  }

  function microsoftApp(app: EnterpriseApp): { config: MicrosoftAppConfig; tokens: AccessTokenSource } {
    if (app.secret.provider !== 'microsoft')
      throw new ProviderBadRequestError(`enterprise connection ${app.id}: not a Microsoft 365 one`);
    const config: MicrosoftAppConfig = {
      clientId: app.clientId,
      clientSecret: app.secret.clientSecret,
      tenant: app.domain,
      ...endpoints.microsoft,
    };
    // Keyed on the secret too: a replaced secret gets a token of its own.
    const key = createHash('sha256')
      .update(`${app.domain}\n${app.clientId}\n${app.secret.clientSecret}`)
      .digest('hex');
    let tokens = tokenSources.get(key);
    if (!tokens) {
      tokens = new ApplicationTokenSource(config, app.domain, now);
      tokenSources.set(key, tokens);
    }
    return { config, tokens };
  }

  return {
    actAs(app, subject) {
      if (app.provider === 'ews_impersonation')
        return actAsExchangeMailbox(app, subject, endpoints.exchange ?? {});
      if (app.provider === 'microsoft') {
        const { config, tokens } = microsoftApp(app);
        return createMicrosoftProvider({
          app: config,
          connection: { kind: 'application', tenantId: app.domain, userId: subject, tokens },
          now,
        });
      }
      return createGoogleProvider({
        serviceAccount: googleClient(app, subject, GOOGLE_CALENDAR_SCOPES),
        ...(endpoints.google ? { endpoints: endpoints.google } : {}),
      });
    },
    consentUrl(directory, clientId, redirectUri, state) {
      const base = (endpoints.microsoft.authorityBaseUrl ?? DEFAULT_AUTHORITY_BASE_URL).replace(/\/+$/, '');
      const url = new URL(`${base}/${encodeURIComponent(directory)}/v2.0/adminconsent`);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('scope', 'https://graph.microsoft.com/.default');
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('state', state);
      return url.toString();
    },
    async directory(app, options = {}) {
      if (app.provider === 'ews_impersonation')
        return exchangeDirectory(app, endpoints.exchange ?? {}, options.candidates ?? []);
      if (app.provider === 'microsoft') {
        const { config, tokens } = microsoftApp(app);
        return listDirectoryUsers(config, tokens, options);
      }
      // The Directory API answers administrators only: Tandem reads it as the admin named at set-up.
      if (!app.directoryAdmin)
        throw new ProviderBadRequestError('Enter a Workspace administrator to read the directory as.');
      return listWorkspaceUsers(googleClient(app, app.directoryAdmin, [DIRECTORY_READ_SCOPE]), {
        ...options,
        ...(endpoints.google ? { endpoints: endpoints.google } : {}),
      });
    },
  };
}
