import { and, eq } from 'drizzle-orm';
import { isEncryptedWithOldKey, type KeyRing } from '@/server/crypto/secrets';
import type { Executor } from '@/server/db/client';
import { calendarConnections } from '@/server/db/schema';
import {
  createCalDavProvider,
  STRICT_ADDRESS_POLICY,
  type AddressPolicy,
  type AddressResolver,
} from '@/server/providers/caldav';
import type { EnterpriseAccess } from '@/server/enterprise/access';
import { enterpriseProviderFor } from '@/server/enterprise/member-provider';
import { ProviderUnavailableError } from '@/server/providers/errors';
import { createGoogleProvider } from '@/server/providers/google';
import { createMicrosoftProvider } from '@/server/providers/microsoft';
import type { AccountKind, CalendarProvider, OAuthTokens, TokensRefreshed } from '@/server/providers/types';
import {
  decryptCredentials,
  encryptCredentials,
  oauthCredentials,
  type ConnectionCredentials,
} from './credentials';
import type { OAuthClients, OAuthProvider } from './provider-apps';

export type ConnectionRow = typeof calendarConnections.$inferSelect;

/**
 * Builds the adapter that acts as a connection's account (DESIGN.md §2). Services and jobs take a
 * registry, never a concrete adapter, so tests hand them one pointed at the emulators or Radicale.
 * Implementations decrypt the credentials and save refreshed tokens back, encrypted.
 */
export interface ProviderRegistry {
  forConnection(db: Executor, connection: ConnectionRow): Promise<CalendarProvider>;
}

export interface ProviderRegistrySettings {
  /** Read on first use: a server without keys fails only where credentials are needed. */
  keyRing: () => KeyRing;
  clients: OAuthClients;
  now?: () => Date;
  /** The fetch CalDAV uses (tests may count or fault requests); it bypasses the address guard. */
  caldavFetch?: typeof fetch;
  /** Addresses CalDAV and Exchange (EWS) adapters may connect to, on every request; strict unless given. */
  caldavAddressPolicy?: AddressPolicy;
  /** Resolves CalDAV and Exchange server names for that check (tests inject one). */
  caldavResolver?: AddressResolver;
  /** Acts as members through their tenant's enterprise access (tenant-owned connections). */
  enterprise?: EnterpriseAccess;
}

interface OAuthSession {
  tokens: OAuthTokens;
  onTokensRefreshed: TokensRefreshed;
  accountKind: AccountKind | undefined;
}

const OAUTH_SETUP_HINT: Record<OAuthProvider, string> = {
  google: 'Google is not configured on this server (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)',
  microsoft: 'Microsoft is not configured on this server (MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET)',
};

/**
 * The registry the app uses: decrypts a connection's credentials, builds its adapter, saves
 * refreshed tokens back encrypted, and re-encrypts credentials left under an old key.
 */
export function createProviderRegistry(settings: ProviderRegistrySettings): ProviderRegistry {
  const { clients } = settings;
  const now = settings.now ?? (() => new Date());

  const oauthAdapters: Record<OAuthProvider, (session: OAuthSession) => CalendarProvider | null> = {
    google: ({ tokens, onTokensRefreshed }) =>
      clients.google && createGoogleProvider({ config: clients.google, tokens, onTokensRefreshed }),
    microsoft: ({ tokens, onTokensRefreshed, accountKind }) =>
      clients.microsoft &&
      createMicrosoftProvider({
        app: clients.microsoft,
        connection: { kind: 'delegated', tokens, onTokensRefreshed, accountKind: accountKind ?? 'work' },
        now,
      }),
  };

  async function saveCredentials(
    db: Executor,
    connection: ConnectionRow,
    credentials: ConnectionCredentials,
  ) {
    await db
      .update(calendarConnections)
      .set({ encryptedCredentials: encryptCredentials(settings.keyRing(), credentials), updatedAt: now() })
      .where(
        and(eq(calendarConnections.tenantId, connection.tenantId), eq(calendarConnections.id, connection.id)),
      );
  }

  return {
    async forConnection(db: Executor, connection: ConnectionRow): Promise<CalendarProvider> {
      const keys = settings.keyRing();
      const credentials = decryptCredentials(keys, connection.encryptedCredentials);
      if (isEncryptedWithOldKey(keys, connection.encryptedCredentials))
        await saveCredentials(db, connection, credentials);

      if (credentials.kind === 'enterprise') {
        if (!settings.enterprise)
          throw new ProviderUnavailableError('Enterprise access is not configured on this server');
        return enterpriseProviderFor(db, keys, settings.enterprise, connection, credentials.subject);
      }
      if (credentials.kind === 'caldav') {
        if (connection.provider !== 'caldav' && connection.provider !== 'icloud') {
          throw new Error(
            `connection ${connection.id}: CalDAV credentials on a ${connection.provider} connection`,
          );
        }
        return createCalDavProvider({
          kind: connection.provider,
          serverUrl: credentials.serverUrl,
          username: credentials.username,
          password: credentials.password,
          email: credentials.email,
          displayName: connection.displayName,
          // iCloud sends invitations itself (RFC 6638); a generic server may not.
          serverScheduling: connection.provider === 'icloud',
          addressPolicy: settings.caldavAddressPolicy ?? STRICT_ADDRESS_POLICY,
          ...(settings.caldavResolver ? { resolver: settings.caldavResolver } : {}),
          ...(settings.caldavFetch ? { fetch: settings.caldavFetch } : {}),
        });
      }
      if (credentials.kind === 'ews') {
        if (connection.provider !== 'ews')
          throw new Error(
            `connection ${connection.id}: EWS credentials on a ${connection.provider} connection`,
          );
        const { endpoint, username, password, auth, email } = credentials;
        // Loaded on first use: ews-javascript-api takes over a second to load, and most
        // processes (and tests) never talk to an Exchange Server.
        const { createEwsProvider } = await import('@/server/providers/ews/provider');
        // The stored address passes the same guard as at connect, on every request.
        return createEwsProvider({
          endpoint,
          username,
          password,
          auth,
          email,
          addressPolicy: settings.caldavAddressPolicy ?? STRICT_ADDRESS_POLICY,
          ...(settings.caldavResolver ? { resolver: settings.caldavResolver } : {}),
        });
      }

      if (connection.provider !== 'google' && connection.provider !== 'microsoft') {
        throw new Error(
          `connection ${connection.id}: OAuth credentials on a ${connection.provider} connection`,
        );
      }
      const tokens: OAuthTokens = {
        accessToken: credentials.accessToken,
        refreshToken: credentials.refreshToken,
        expiresAt: new Date(credentials.expiresAt),
        scope: credentials.scope,
      };
      const onTokensRefreshed: TokensRefreshed = (next) =>
        saveCredentials(
          db,
          connection,
          oauthCredentials(
            { ...next, refreshToken: next.refreshToken ?? tokens.refreshToken },
            credentials.accountKind,
          ),
        );
      const adapter = oauthAdapters[connection.provider]({
        tokens,
        onTokensRefreshed,
        accountKind: credentials.accountKind,
      });
      if (!adapter) throw new ProviderUnavailableError(OAUTH_SETUP_HINT[connection.provider]);
      return adapter;
    },
  };
}
