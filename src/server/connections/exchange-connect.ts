import { CalendarServiceUnavailableError, InvalidInputError } from '@/server/errors';
import { EXCHANGE_CHECK_MESSAGES } from '@/server/providers/ews/connect-messages';
import { ewsEndpointOf } from '@/server/providers/ews/endpoint';
import type { Actor } from '@/server/tenants/actor';
import { assertProviderAllowed } from './access';
import type { CalDavConnectDeps } from './caldav-connect';
import { encryptCredentials, type ConnectionCredentials } from './credentials';
import type { ExchangeConnectInput } from './inputs';
import { draftConnection } from './draft-connection';
import { saveConnection } from './save-connection';
import { assertReachableServerAddress } from './server-address';

export type ExchangeConnectDeps = CalDavConnectDeps & {
  /** Where Autodiscover is tried for a domain (tests point it at the emulator). */
  autodiscoverCandidates?: (domain: string) => string[];
};

export const AUTODISCOVER_FOUND_NOTHING =
  'Autodiscover found no Exchange server for this address. Enter the server address instead.';

/**
 * The EWS endpoint the user gave, or the one Autodiscover finds from the email address. Loaded on
 * first use, like the adapter (provider-registry.ts).
 */
async function endpointFor(deps: ExchangeConnectDeps, input: ExchangeConnectInput, username: string) {
  if (input.serverUrl) return ewsEndpointOf(input.serverUrl);
  const { discoverEwsUrl } = await import('@/server/providers/ews/autodiscover');
  const found = await discoverEwsUrl(
    input.email,
    {
      username,
      password: input.password,
      auth: input.auth,
      addressPolicy: { allowLoopback: deps.allowLoopbackServers },
    },
    deps.autodiscoverCandidates ? { candidatesFor: deps.autodiscoverCandidates } : {},
  );
  if (found.kind === 'refused') throw new InvalidInputError(EXCHANGE_CHECK_MESSAGES.wrong_password);
  if (found.kind === 'none') throw new InvalidInputError(AUTODISCOVER_FOUND_NOTHING);
  return ewsEndpointOf(found.ewsUrl);
}

/**
 * Connects an Exchange Server mailbox over EWS (at the address given, or found by Autodiscover): checks the credentials by reading its calendar
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
  const email = input.email.toLowerCase();
  const username = input.username || email;
  const endpoint = await endpointFor(deps, input, username);
  // The address the user typed or the one Autodiscover named: either may lead anywhere.
  await assertReachableServerAddress(endpoint, { policy: { allowLoopback: deps.allowLoopbackServers } });
  const credentials: ConnectionCredentials = {
    kind: 'ews',
    endpoint,
    username,
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
