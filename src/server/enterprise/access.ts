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
import type { CalendarProvider } from '@/server/providers/types';
import type { EnterpriseApp } from './secrets';

/**
 * Acting as a member with the tenant's enterprise access (DESIGN.md §10): Microsoft 365 by app-only
 * Graph calls on `/users/{address}`, reusing the same adapter as delegated connections, so sync
 * and delivery do not know the difference. One client-credentials token per app and directory,
 * shared by every mailbox (a bulk add of 1,000 people asks for one token, not 1,000).
 */

export interface EnterpriseEndpoints {
  microsoft: { graphBaseUrl?: string; authorityBaseUrl?: string };
}

export interface EnterpriseAccess {
  /** The adapter acting as `subject` (an address in the directory). */
  actAs(app: EnterpriseApp, subject: string): CalendarProvider;
  /** Everyone in the directory, with the number of provider calls it took. */
  directory(
    app: EnterpriseApp,
    options?: { firstPageOnly?: boolean },
  ): Promise<{ users: DirectoryUser[]; calls: number }>;
  /** Where a Microsoft 365 admin grants the app's permissions for the directory (admin consent). */
  consentUrl(directory: string, clientId: string, redirectUri: string): string;
}

export type { DirectoryUser };

export function createEnterpriseAccess(
  endpoints: EnterpriseEndpoints,
  now: () => Date = () => new Date(),
): EnterpriseAccess {
  const tokenSources = new Map<string, AccessTokenSource>();

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
      if (app.provider === 'microsoft') {
        const { config, tokens } = microsoftApp(app);
        return createMicrosoftProvider({
          app: config,
          connection: { kind: 'application', tenantId: app.domain, userId: subject, tokens },
          now,
        });
      }
      throw new ProviderBadRequestError('Google Workspace enterprise access is not available yet');
    },
    consentUrl(directory, clientId, redirectUri) {
      const base = (endpoints.microsoft.authorityBaseUrl ?? DEFAULT_AUTHORITY_BASE_URL).replace(/\/+$/, '');
      const url = new URL(`${base}/${encodeURIComponent(directory)}/v2.0/adminconsent`);
      url.searchParams.set('client_id', clientId);
      url.searchParams.set('scope', 'https://graph.microsoft.com/.default');
      url.searchParams.set('redirect_uri', redirectUri);
      return url.toString();
    },
    async directory(app, options = {}) {
      if (app.provider === 'microsoft') {
        const { config, tokens } = microsoftApp(app);
        return listDirectoryUsers(config, tokens, options);
      }
      throw new ProviderBadRequestError('Google Workspace enterprise access is not available yet');
    },
  };
}
