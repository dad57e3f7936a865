import { and, eq } from 'drizzle-orm';
import { TESTBED_CLIENT, type GoogleTestbed } from '@/emulators/google/testbed';
import type { MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { connectionCredentialsSchema, type ConnectionCredentials } from '@/server/connections/credentials';
import type { ConnectionRow, ProviderRegistry } from '@/server/connections/provider-registry';
import {
  decryptJson,
  encryptJson,
  generateKeySpec,
  parseKeyRing,
  type KeyRing,
} from '@/server/crypto/secrets';
import type { Database, Executor } from '@/server/db/client';
import { calendarConnections, type ConnectionProvider } from '@/server/db/schema';
import { createEnterpriseAccess, type EnterpriseAccess } from '@/server/enterprise/access';
import { enterpriseProviderFor } from '@/server/enterprise/member-provider';
import { createCalDavProvider, type AddressPolicy } from '@/server/providers/caldav';
import { googleEndpointsAt } from '@/server/providers/google/config';
import { createGoogleProvider } from '@/server/providers/google/provider';
import type { CalendarProvider, OAuthTokens } from '@/server/providers/types';
import { refreshCalendarList } from '@/server/sync/calendar-list';
import type { SyncDeps } from '@/server/sync/deps';

/**
 * A ProviderRegistry for tests: the real adapters, pointed at the in-process emulators (and a
 * Radicale for CalDAV rows and an EWS emulator for Exchange rows, whose addresses are in the credentials), built from connection rows
 * whose credentials are encrypted with a test key ring, the way the app stores them. Refreshed
 * tokens are written back encrypted, as the app's registry does.
 */
export interface EmulatorRegistry extends ProviderRegistry {
  keyRing: KeyRing;
  /** How many adapters were built (one per service call that needs the provider). */
  built: number;
}

export interface EmulatorRegistryOptions {
  /** Only its URL is used, so a bench can pass an emulator running in another process. */
  google?: Pick<GoogleTestbed, 'url'>;
  microsoft?: MicrosoftTestbed;
  /** Page size for list / delta / multiget calls, so tests can exercise paging. */
  pageSize?: number;
  keyRing?: KeyRing;
  /** CalDAV address policy; tests run Radicale and Xandikos on loopback, so loopback is allowed by default. */
  caldavAddressPolicy?: AddressPolicy;
}

/** The demo's and the tests' CalDAV policy: local servers are reachable. */
export const LOOPBACK_ALLOWED: AddressPolicy = { allowLoopback: true };

export function createEmulatorRegistry(options: EmulatorRegistryOptions): EmulatorRegistry {
  const keyRing = options.keyRing ?? parseKeyRing(generateKeySpec('test'));
  const pageSize = options.pageSize;
  let enterprise: EnterpriseAccess | undefined;
  const registry: EmulatorRegistry = {
    keyRing,
    built: 0,
    async forConnection(db: Executor, connection: ConnectionRow): Promise<CalendarProvider> {
      registry.built += 1;
      const credentials = decryptJson(keyRing, connection.encryptedCredentials, (value) =>
        connectionCredentialsSchema.parse(value),
      );
      const persist = async (tokens: OAuthTokens) => {
        const next: ConnectionCredentials = {
          kind: 'oauth',
          ...tokens,
          expiresAt: tokens.expiresAt.toISOString(),
          ...(credentials.kind === 'oauth' && credentials.accountKind
            ? { accountKind: credentials.accountKind }
            : {}),
        };
        await db
          .update(calendarConnections)
          .set({ encryptedCredentials: encryptJson(keyRing, next) })
          .where(
            and(
              eq(calendarConnections.tenantId, connection.tenantId),
              eq(calendarConnections.id, connection.id),
            ),
          );
      };
      if (credentials.kind === 'caldav') {
        const { serverUrl, username, password, email } = credentials;
        const kind = connection.provider === 'icloud' ? 'icloud' : 'caldav';
        const addressPolicy = options.caldavAddressPolicy ?? LOOPBACK_ALLOWED;
        return createCalDavProvider({
          kind,
          serverUrl,
          username,
          password,
          email,
          addressPolicy,
          ...(pageSize ? { pageSize } : {}),
        });
      }
      if (credentials.kind === 'ews') {
        // The EWS emulator's address is in the credentials, like a CalDAV server's.
        const { endpoint, username, password, auth, email } = credentials;
        // On first use, as the app's registry does (ews-javascript-api is slow to load).
        const { createEwsProvider } = await import('@/server/providers/ews/provider');
        return createEwsProvider({
          endpoint,
          username,
          password,
          auth,
          email,
          addressPolicy: options.caldavAddressPolicy ?? LOOPBACK_ALLOWED,
          ...(pageSize ? { pageSize } : {}),
        });
      }
      if (credentials.kind === 'enterprise') {
        // Exchange's server address is in the enterprise set-up, like a CalDAV server's in credentials.
        if (!options.microsoft && !options.google && connection.provider !== 'ews')
          throw new Error('no Microsoft or Google testbed given to the emulator registry');
        // Tenant-owned connections: the app's own enterprise access, pointed at the emulators.
        enterprise ??= createEnterpriseAccess({
          microsoft: options.microsoft
            ? {
                graphBaseUrl: options.microsoft.app.graphBaseUrl,
                authorityBaseUrl: options.microsoft.app.authorityBaseUrl,
              }
            : {},
          ...(options.google ? { google: googleEndpointsAt(options.google.url) } : {}),
          exchange: { addressPolicy: options.caldavAddressPolicy ?? LOOPBACK_ALLOWED },
        });
        return enterpriseProviderFor(db, keyRing, enterprise, connection, credentials.subject);
      }
      const tokens: OAuthTokens = { ...credentials, expiresAt: new Date(credentials.expiresAt) };
      if (connection.provider === 'google') {
        if (!options.google) throw new Error('no Google testbed given to the emulator registry');
        const config = { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(options.google.url) };
        return createGoogleProvider({
          config,
          tokens,
          onTokensRefreshed: persist,
          ...(pageSize ? { pageSize } : {}),
        });
      }
      if (connection.provider === 'microsoft') {
        if (!options.microsoft) throw new Error('no Microsoft testbed given to the emulator registry');
        // Loaded on demand: its rrule import fails under plain Node ESM (the bench), unlike under Vitest.
        const { createMicrosoftProvider } = await import('@/server/providers/microsoft');
        return createMicrosoftProvider({
          app: options.microsoft.app,
          connection: {
            kind: 'delegated',
            tokens,
            onTokensRefreshed: persist,
            accountKind: credentials.accountKind ?? 'work',
          },
          ...(pageSize ? { pageSize } : {}),
        });
      }
      throw new Error(`no emulator for ${connection.provider} OAuth connections`);
    },
  };
  return registry;
}

/** Inserts a connection row the way CONNECT stores one: credentials encrypted with the registry's key ring. */
export async function insertTestConnection(
  db: Database,
  registry: EmulatorRegistry,
  input: {
    tenantId: string;
    userId: string;
    provider: ConnectionProvider;
    accountEmail: string;
    credentials: ConnectionCredentials;
  },
): Promise<ConnectionRow> {
  const [row] = await db
    .insert(calendarConnections)
    .values({
      tenantId: input.tenantId,
      userId: input.userId,
      provider: input.provider,
      accountEmail: input.accountEmail,
      encryptedCredentials: encryptJson(registry.keyRing, input.credentials),
    })
    .returning();
  if (!row) throw new Error('connection insert returned nothing');
  return row;
}

/** OAuth credentials in the stored shape, from tokens a testbed issued. */
export function oauthCredentials(tokens: {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date;
  scope: string | null;
}): ConnectionCredentials {
  return {
    kind: 'oauth',
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt.toISOString(),
    scope: tokens.scope,
  };
}

/**
 * A user connects an emulated Google account: the connection row (encrypted tokens from the
 * testbed) and its calendars, through the real refreshCalendarList.
 */
export async function connectGoogleAccount(
  deps: SyncDeps,
  registry: EmulatorRegistry,
  bed: GoogleTestbed,
  input: { tenantId: string; userId: string; email: string },
): Promise<{ connection: ConnectionRow; calendarIds: string[] }> {
  const connection = await insertTestConnection(deps.db, registry, {
    tenantId: input.tenantId,
    userId: input.userId,
    provider: 'google',
    accountEmail: input.email,
    credentials: oauthCredentials(bed.tokens(input.email)),
  });
  const { calendarIds } = await refreshCalendarList(deps, {
    tenantId: input.tenantId,
    connectionId: connection.id,
  });
  return { connection, calendarIds };
}
