import { CalendarServiceUnavailableError, InvalidInputError } from '@/server/errors';
import { ewsEndpointOf } from '@/server/providers/ews/endpoint';
import type { Actor } from '@/server/tenants/actor';
import { assertProviderAllowed } from './access';
import type { CalDavConnectDeps } from './caldav-connect';
import { encryptCredentials, type ConnectionCredentials } from './credentials';
import type { ExchangeConnectInput } from './inputs';
import { draftConnection } from './draft-connection';
import { saveConnection } from './save-connection';
import { assertReachableServerAddress } from './server-address';

export type ExchangeConnectDeps = CalDavConnectDeps;

/**
 * Connects an Exchange Server mailbox over EWS: checks the credentials by reading its calendar
 * folder, telling a refused password, an unreachable server and a server that is not Exchange
 * apart, then stores them encrypted (updating the connection if this mailbox was connected
 * before) and starts the import.
 */
export async function connectExchange(
  deps: ExchangeConnectDeps,
  actor: Pick<Actor, 'userId' | 'tenantId'>,
  input: ExchangeConnectInput,
): Promise<{ connectionId: string }> {
  await assertProviderAllowed(deps.db, actor.tenantId, 'ews');
  const endpoint = ewsEndpointOf(input.serverUrl);
  await assertReachableServerAddress(endpoint, { policy: { allowLoopback: deps.allowLoopbackServers } });
  const email = input.email.toLowerCase();
  const credentials: ConnectionCredentials = {
    kind: 'ews',
    endpoint,
    username: input.username || email,
    password: input.password,
    auth: input.auth,
    email,
  };
  const encryptedCredentials = encryptCredentials(deps.keyRing(), credentials);
  const now = deps.now();
  const draft = draftConnection(actor, { provider: 'ews', accountEmail: email, encryptedCredentials }, now);
  // Loaded on first use, like the adapter it checks (provider-registry.ts).
  const { checkExchangeCalendar } = await import('@/server/providers/ews/connect-check');
  const check = await checkExchangeCalendar(await deps.providers.forConnection(deps.db, draft));
  if (!check.ok) {
    if (check.reason === 'unreachable') throw new CalendarServiceUnavailableError(check.message);
    throw new InvalidInputError(check.message);
  }
  return saveConnection(deps, actor, {
    provider: 'ews',
    accountEmail: email,
    displayName: new URL(endpoint).host,
    encryptedCredentials,
  });
}
