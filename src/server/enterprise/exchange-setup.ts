import type { AppDeps } from '@/server/app-deps/types';
import { AUTODISCOVER_FOUND_NOTHING } from '@/server/connections/exchange-connect';
import { assertReachableServerAddress } from '@/server/connections/server-address';
import { InvalidInputError } from '@/server/errors';
import { EXCHANGE_CHECK_MESSAGES } from '@/server/providers/ews/connect-messages';
import { ewsEndpointOf } from '@/server/providers/ews/endpoint';
import type { Actor } from '@/server/tenants/actor';
import { findEnterpriseRow, openEnterpriseApp } from './secrets';
import { upsertSetup, type EnterpriseSetupView } from './setup';

/**
 * The Exchange Server set-up on /admin/calendar (DESIGN.md §10): a service account holding the
 * ApplicationImpersonation role, at the EWS address the admin gives or the one Autodiscover finds
 * for an address in the organisation. The password is stored encrypted and never shown again;
 * saving without one keeps it.
 */

export interface ExchangeSetupInput {
  /** The server (`https://mail.example.org`) or its EWS URL; or leave it out and give `autodiscoverEmail`. */
  serverUrl?: string | undefined;
  /** An address in the organisation to find the server from by Autodiscover. */
  autodiscoverEmail?: string | undefined;
  /** `svc-tandem@example.org` or `EXAMPLE\svc-tandem`. */
  username: string;
  /** Required the first time; omitted keeps the stored one. */
  password?: string | undefined;
  auth: 'basic' | 'ntlm';
}

type ExchangeSetupDeps = Pick<
  AppDeps,
  'db' | 'keyRing' | 'now' | 'enterprise' | 'appUrl' | 'allowLoopbackServers'
> & {
  /** Where Autodiscover is tried for a domain (tests point it at the emulator). */
  autodiscoverCandidates?: (domain: string) => string[];
};

export async function saveExchangeSetup(
  deps: ExchangeSetupDeps,
  actor: Actor,
  input: ExchangeSetupInput,
): Promise<EnterpriseSetupView> {
  const username = input.username.trim();
  const typed = input.password ? input.password : null;
  const existing = await findEnterpriseRow(deps.db, actor.tenantId, { provider: 'ews_impersonation' });
  const stored = existing && !typed ? openEnterpriseApp(deps.keyRing(), existing).secret : null;
  const password = typed ?? (stored?.provider === 'ews_impersonation' ? stored.password : null);
  if (!password) throw new InvalidInputError('Enter the password of the service account.');
  const policy = { allowLoopback: deps.allowLoopbackServers };
  const endpoint = await endpointFor(deps, input, {
    username,
    password,
    auth: input.auth,
    addressPolicy: policy,
  });
  // The address the admin typed or the one Autodiscover named: either may lead anywhere.
  await assertReachableServerAddress(endpoint, { policy });
  return upsertSetup(deps, actor, {
    provider: 'ews_impersonation',
    columns: {
      domain: endpoint,
      clientId: username,
      serviceAccountEmail: input.serverUrl ? null : (input.autodiscoverEmail?.trim().toLowerCase() ?? null),
      directoryAdmin: null,
    },
    // A changed authentication scheme is saved with the password it goes with.
    secret:
      typed || stored?.provider !== 'ews_impersonation' || stored.auth !== input.auth
        ? { provider: 'ews_impersonation', password, auth: input.auth }
        : null,
    missingSecret: 'Enter the password of the service account.',
  });
}

async function endpointFor(
  deps: ExchangeSetupDeps,
  input: ExchangeSetupInput,
  credentials: {
    username: string;
    password: string;
    auth: 'basic' | 'ntlm';
    addressPolicy: { allowLoopback: boolean };
  },
): Promise<string> {
  if (input.serverUrl) return ewsEndpointOf(input.serverUrl);
  const email = input.autodiscoverEmail?.trim().toLowerCase();
  if (!email)
    throw new InvalidInputError('Enter the server address, or an address to find it by Autodiscover.');
  // Loaded on first use, like the adapter (provider-registry.ts).
  const { discoverEwsUrl } = await import('@/server/providers/ews/autodiscover');
  const found = await discoverEwsUrl(
    email,
    credentials,
    deps.autodiscoverCandidates ? { candidatesFor: deps.autodiscoverCandidates } : {},
  );
  if (found.kind === 'refused') throw new InvalidInputError(EXCHANGE_CHECK_MESSAGES.wrong_password);
  if (found.kind === 'none') throw new InvalidInputError(AUTODISCOVER_FOUND_NOTHING);
  return ewsEndpointOf(found.ewsUrl);
}
