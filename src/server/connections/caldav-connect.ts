import type { AppDeps } from '@/server/app-deps/types';
import { CalendarServiceUnavailableError, DomainError, InvalidInputError } from '@/server/errors';
import { ICLOUD_SERVER_URL } from '@/server/providers/caldav';
import { ProviderAuthRevokedError, ProviderNotFoundError } from '@/server/providers/errors';
import type { Actor } from '@/server/tenants/actor';
import { assertProviderAllowed } from './access';
import { assertReachableServerAddress, UNREACHABLE_SERVER_MESSAGE } from './server-address';
import { encryptCredentials, type ConnectionCredentials } from './credentials';
import type { CalDavConnectInput } from './inputs';
import { draftConnection } from './draft-connection';
import type { ConnectionRow } from './provider-registry';
import { saveConnection } from './save-connection';

export type CalDavConnectDeps = Pick<
  AppDeps,
  'db' | 'keyRing' | 'providers' | 'jobs' | 'now' | 'allowLoopbackServers'
>;

/**
 * Connects an iCloud or CalDAV account: checks the credentials by listing the calendars, then
 * stores them encrypted (updating the connection if this account was connected before) and
 * starts the import.
 */
export async function connectCalDav(
  deps: CalDavConnectDeps,
  actor: Pick<Actor, 'userId' | 'tenantId'>,
  input: CalDavConnectInput,
): Promise<{ connectionId: string }> {
  const { db } = deps;
  const provider = input.kind;
  await assertProviderAllowed(db, actor.tenantId, provider);
  const serverUrl = provider === 'icloud' ? ICLOUD_SERVER_URL : (input.serverUrl ?? '');
  // Apple's address is ours, not typed by the user; the adapter's guard still covers every request.
  if (provider === 'caldav')
    await assertReachableServerAddress(serverUrl, { policy: { allowLoopback: deps.allowLoopbackServers } });
  const email = input.username.includes('@') ? input.username.toLowerCase() : null;
  const credentials: ConnectionCredentials = {
    kind: 'caldav',
    serverUrl,
    username: input.username,
    password: input.password,
    email,
  };
  const encryptedCredentials = encryptCredentials(deps.keyRing(), credentials);
  // What the settings page shows and what tells two accounts apart: the address when the user
  // name is one (iCloud, Fastmail, …), else the name at the server's host.
  const accountEmail = (email ?? `${input.username}@${new URL(serverUrl).host}`).toLowerCase();
  const now = deps.now();

  const draft = draftConnection(
    actor,
    { provider: provider, accountEmail: accountEmail, encryptedCredentials },
    now,
  );
  await verifyCredentials(deps, draft);

  const displayName = provider === 'icloud' ? 'iCloud' : new URL(serverUrl).host;
  return saveConnection(deps, actor, { provider, accountEmail, displayName, encryptedCredentials });
}

async function verifyCredentials(deps: CalDavConnectDeps, draft: ConnectionRow): Promise<void> {
  try {
    const provider = await deps.providers.forConnection(deps.db, draft);
    await provider.listCalendars();
  } catch (error) {
    if (error instanceof ProviderAuthRevokedError) {
      throw new InvalidInputError(
        draft.provider === 'icloud'
          ? 'The server refused the user name or password. For iCloud, use your Apple ID and an app-specific password.'
          : 'The server refused the user name or password.',
      );
    }
    if (error instanceof ProviderNotFoundError) {
      throw new InvalidInputError('No calendars were found at that address. Check the server address.');
    }
    if (error instanceof DomainError) throw error;
    // Whatever else went wrong talking to an address the user typed (refused by the address
    // guard, refused by the host, timed out, not CalDAV at all, an href off the server), they can
    // only check the address or retry; one message for all, so the form is no port scanner.
    throw new CalendarServiceUnavailableError(UNREACHABLE_SERVER_MESSAGE, { cause: error });
  }
}
