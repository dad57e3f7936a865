import type { OAuthTokens, TokensRefreshed } from '../types';
import { MicrosoftCalendarProvider } from './provider';
import type { MicrosoftAppConfig } from './config';
import { GraphSession } from './graph-session';
import { ApplicationTokenSource, DelegatedTokenSource, type AccessTokenSource } from './token-source';

/**
 * Builds the Microsoft adapter for one connection:
 * - delegated (a user signed in with OAuth; work or personal account) → `/me/…`
 * - application (enterprise connection, client credentials in the customer's tenant) → `/users/{id}/…`
 */

export type MicrosoftConnection =
  | {
      kind: 'delegated';
      tokens: OAuthTokens;
      /** Called after each refresh with the new tokens, to persist them (encrypted). */
      onTokensRefreshed?: TokensRefreshed;
      accountKind?: 'work' | 'personal';
    }
  | {
      kind: 'application';
      /** The customer's tenant id (or verified domain). */
      tenantId: string;
      /** The mailbox: a user id or user principal name. */
      userId: string;
      /** One client-credentials token shared by every mailbox of the tenant (enterprise access). */
      tokens?: AccessTokenSource;
    };

export interface MicrosoftProviderOptions {
  app: MicrosoftAppConfig;
  connection: MicrosoftConnection;
  /** Page size asked of delta rounds (Prefer: odata.maxpagesize), default 50. */
  pageSize?: number;
  now?: () => Date;
}

export function createMicrosoftProvider(options: MicrosoftProviderOptions): MicrosoftCalendarProvider {
  const { app, connection } = options;
  const pageSize = options.pageSize ?? 50;
  if (connection.kind === 'delegated') {
    const tokens = new DelegatedTokenSource(
      app,
      connection.tokens,
      connection.onTokensRefreshed,
      options.now,
    );
    return new MicrosoftCalendarProvider(new GraphSession(app, tokens, '/me'), {
      accountKind: connection.accountKind ?? 'work',
      pageSize,
    });
  }
  const tokens = connection.tokens ?? new ApplicationTokenSource(app, connection.tenantId, options.now);
  return new MicrosoftCalendarProvider(
    new GraphSession(app, tokens, `/users/${encodeURIComponent(connection.userId)}`),
    {
      accountKind: 'work',
      pageSize,
    },
  );
}

export { MicrosoftCalendarProvider } from './provider';
export { ApplicationTokenSource, type AccessTokenSource } from './token-source';
export { listDirectoryUsers, type DirectoryUser } from './directory';
export type { MicrosoftAppConfig } from './config';
export {
  DEFAULT_AUTHORITY_BASE_URL,
  DEFAULT_GRAPH_BASE_URL,
  DELEGATED_SCOPES,
  TANDEM_PROPERTY_ID,
} from './config';
export {
  buildAuthorizationUrl,
  clientCredentialsToken,
  createMicrosoftOAuthApp,
  createOAuthState,
  createPkcePair,
  exchangeAuthorizationCode,
  refreshAccessToken,
} from './oauth';
