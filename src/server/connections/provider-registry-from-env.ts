import { and, eq } from 'drizzle-orm';
import { keyRingFromEnv } from '@/server/crypto/keyring-from-env';
import { decryptJson, encryptJson, isEncryptedWithOldKey, type KeyRing } from '@/server/crypto/secrets';
import type { Executor } from '@/server/db/client';
import { calendarConnections } from '@/server/db/schema';
import { createCalDavProvider } from '@/server/providers/caldav';
import { ProviderUnavailableError } from '@/server/providers/errors';
import { createGoogleProvider } from '@/server/providers/google';
import { createMicrosoftProvider } from '@/server/providers/microsoft';
import type { CalendarProvider, OAuthTokens, TokensRefreshed } from '@/server/providers/types';
import { connectionCredentialsSchema, type ConnectionCredentials } from './credentials';
import { googleClientConfig, microsoftAppConfig, providerAppsFromEnv, type ProviderApps } from './provider-apps';
import type { ConnectionRow, ProviderRegistry } from './provider-registry';

export interface ProviderRegistrySettings {
  keys: KeyRing;
  apps: ProviderApps;
  now?: () => Date;
  /** The fetch CalDAV uses (tests may count or fault requests). */
  caldavFetch?: typeof fetch;
}

export function decryptCredentials(keys: KeyRing, encrypted: string): ConnectionCredentials {
  return decryptJson(keys, encrypted, (value) => connectionCredentialsSchema.parse(value));
}

export function encryptCredentials(keys: KeyRing, credentials: ConnectionCredentials): string {
  return encryptJson(keys, connectionCredentialsSchema.parse(credentials));
}

/** Stored OAuth credentials from the adapters' token shape. */
export function oauthCredentials(
  tokens: OAuthTokens,
  accountKind?: 'work' | 'personal',
): Extract<ConnectionCredentials, { kind: 'oauth' }> {
  return {
    kind: 'oauth',
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt.toISOString(),
    scope: tokens.scope,
    ...(accountKind ? { accountKind } : {}),
  };
}

/**
 * The registry the app uses: decrypts a connection's credentials, builds its adapter, saves
 * refreshed tokens back encrypted, and re-encrypts credentials left under an old key.
 */
export function createProviderRegistry(settings: ProviderRegistrySettings): ProviderRegistry {
  const { keys, apps } = settings;
  const now = settings.now ?? (() => new Date());

  async function saveCredentials(db: Executor, connection: ConnectionRow, credentials: ConnectionCredentials) {
    await db
      .update(calendarConnections)
      .set({ encryptedCredentials: encryptCredentials(keys, credentials), updatedAt: now() })
      .where(and(eq(calendarConnections.tenantId, connection.tenantId), eq(calendarConnections.id, connection.id)));
  }

  return {
    async forConnection(db: Executor, connection: ConnectionRow): Promise<CalendarProvider> {
      const credentials = decryptCredentials(keys, connection.encryptedCredentials);
      if (isEncryptedWithOldKey(keys, connection.encryptedCredentials)) await saveCredentials(db, connection, credentials);

      if (credentials.kind === 'caldav') {
        if (connection.provider !== 'caldav' && connection.provider !== 'icloud') {
          throw new Error(`connection ${connection.id}: CalDAV credentials on a ${connection.provider} connection`);
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
          ...(settings.caldavFetch ? { fetch: settings.caldavFetch } : {}),
        });
      }

      const tokens: OAuthTokens = {
        accessToken: credentials.accessToken,
        refreshToken: credentials.refreshToken,
        expiresAt: new Date(credentials.expiresAt),
        scope: credentials.scope,
      };
      const onTokensRefreshed: TokensRefreshed = (next) =>
        saveCredentials(db, connection, oauthCredentials({ ...next, refreshToken: next.refreshToken ?? tokens.refreshToken }, credentials.accountKind));

      if (connection.provider === 'google') {
        const config = googleClientConfig(apps);
        if (!config) throw new ProviderUnavailableError('Google is not configured on this server (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)');
        return createGoogleProvider({ config, tokens, onTokensRefreshed });
      }
      if (connection.provider === 'microsoft') {
        const app = microsoftAppConfig(apps);
        if (!app) throw new ProviderUnavailableError('Microsoft is not configured on this server (MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET)');
        return createMicrosoftProvider({
          app,
          connection: { kind: 'delegated', tokens, onTokensRefreshed, accountKind: credentials.accountKind ?? 'work' },
          now,
        });
      }
      throw new Error(`connection ${connection.id}: OAuth credentials on a ${connection.provider} connection`);
    },
  };
}

/** The registry of the running app: keys and OAuth apps from the environment, read on first use. */
export function providerRegistryFromEnv(): ProviderRegistry {
  let registry: ProviderRegistry | undefined;
  return {
    forConnection(db, connection) {
      registry ??= createProviderRegistry({ keys: keyRingFromEnv(), apps: providerAppsFromEnv() });
      return registry.forConnection(db, connection);
    },
  };
}
