import {
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '@/server/providers/errors';
import { STRICT_ADDRESS_POLICY, type AddressPolicy, type AddressResolver } from '@/server/providers/caldav';
import type { EwsConnectionConfig } from '@/server/providers/ews/config';
import { createLazyEwsProvider } from '@/server/providers/ews/lazy-provider';
import type { CalendarProvider, DirectoryUser } from '@/server/providers/types';
import type { EnterpriseApp } from './secrets';

/**
 * Exchange Server on premises through an impersonating service account (DESIGN.md §10,
 * PROVIDERS.md "Exchange Server on premises"): the account holds the ApplicationImpersonation
 * role, and every request for a member carries the `ExchangeImpersonation` header with the
 * member's SMTP address (ews-javascript-api's `ImpersonatedUserId`), through the same EWS adapter
 * as a member's own connection. The set-up row keeps the EWS endpoint in `domain`, the service
 * account's user name in `clientId` and its password in the encrypted secret.
 */

/** What the Exchange administrator grants the service account (Exchange Management Shell). */
export const EXCHANGE_IMPERSONATION_ROLE = 'ApplicationImpersonation';

/** The calendar connections a set-up makes are of this provider (Exchange's are `ews`). */
export const EXCHANGE_CONNECTION_PROVIDER = 'ews' as const;

export interface ExchangeEndpoints {
  /** Which server addresses may be reached (the admin types it): strict unless given. */
  addressPolicy?: AddressPolicy;
  resolver?: AddressResolver;
}

/** The service account's own EWS settings (no impersonation), from the stored set-up. */
export function serviceAccountConfig(
  app: EnterpriseApp,
  endpoints: ExchangeEndpoints,
): Omit<EwsConnectionConfig, 'email' | 'impersonate'> {
  if (app.secret.provider !== 'ews_impersonation')
    throw new ProviderBadRequestError(`enterprise connection ${app.id}: not an Exchange one`);
  return {
    endpoint: app.domain,
    username: app.clientId,
    password: app.secret.password,
    auth: app.secret.auth,
    addressPolicy: endpoints.addressPolicy ?? STRICT_ADDRESS_POLICY,
    ...(endpoints.resolver ? { resolver: endpoints.resolver } : {}),
  };
}

/** The adapter acting as `subject` (the mailbox's primary SMTP address) by impersonation. */
export function actAsExchangeMailbox(
  app: EnterpriseApp,
  subject: string,
  endpoints: ExchangeEndpoints,
): CalendarProvider {
  const address = subject.trim().toLowerCase();
  return createLazyEwsProvider({
    ...serviceAccountConfig(app, endpoints),
    email: address,
    impersonate: address,
  });
}

/**
 * The chosen people as the directory knows them (EWS lists no directory; providers/ews/directory.ts).
 * Loaded on first use, like the adapter.
 */
export async function exchangeDirectory(
  app: EnterpriseApp,
  endpoints: ExchangeEndpoints,
  candidates: readonly string[],
): Promise<{ users: DirectoryUser[]; calls: number }> {
  const { resolveDirectoryUsers } = await import('@/server/providers/ews/directory');
  const config = serviceAccountConfig(app, endpoints);
  return resolveDirectoryUsers({ ...config, email: app.clientId }, candidates);
}

/**
 * An Exchange failure in words an Exchange administrator can act on. The EWS adapter's typed
 * errors (providers/ews/errors.ts) carry the ResponseCode in their message; a refused password is
 * IIS's bare 401 (an auth error without a code) and an unreachable server an unavailable one.
 */
export function explainExchangeFailure(
  error: unknown,
  context: { directory: string; address: string; serviceAccount: string },
): string {
  const text = error instanceof Error ? error.message : String(error);
  const mailbox = context.address || 'that mailbox';
  if (/ErrorImpersonateUserDenied/.test(text))
    return `The service account ${context.serviceAccount} may not act as ${mailbox}: it lacks the ApplicationImpersonation role, or the role's scope leaves this mailbox out. Grant it in the Exchange Management Shell (New-ManagementRoleAssignment -Role ApplicationImpersonation -User ${context.serviceAccount}), then test again.`;
  if (/ErrorNonExistentMailbox/.test(text))
    return `${context.address || 'That address'} has no mailbox on this Exchange Server.`;
  if (/ErrorAccountDisabled/.test(text)) return `The account of ${mailbox} is disabled.`;
  if (/ErrorPasswordExpired/.test(text))
    return `The password of ${context.serviceAccount} has expired. Set a new one and save it here.`;
  if (error instanceof ProviderRateLimitedError)
    return 'Exchange is busy (throttling). Try again in a minute.';
  if (error instanceof ProviderAuthRevokedError)
    return `Exchange refused the user name and password of ${context.serviceAccount}. Check them (user@domain or DOMAIN\\user) and save them again.`;
  if (error instanceof ProviderUnavailableError)
    return `We could not reach ${context.directory}. Check the server address, or try again later.`;
  return `Exchange Server refused the test: ${text}`;
}
