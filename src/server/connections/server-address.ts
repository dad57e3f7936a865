import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CalendarServiceUnavailableError } from '@/server/errors';
import { isAllowedAddress, type AddressPolicy, type AddressResolver } from '@/server/providers/caldav';

const systemResolver: AddressResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The one answer for every server address Tandem will not or cannot reach: refused by the address
 * policy, unknown name, refused connection, timeout. Telling them apart would let a user map the
 * host's network through the connect form.
 */
export const UNREACHABLE_SERVER_MESSAGE =
  'The calendar server could not be reached. Check the address, or try again in a moment.';

/**
 * An early refusal at connect, before any request: an address the user typed that resolves to an
 * address the policy refuses. It is a courtesy, not the guard: the CalDAV adapter checks the
 * address of every socket it opens (providers/caldav/guarded-agent.ts), for every request and
 * redirect hop, at connect and in background syncs alike. A name that does not resolve is left to
 * the request, which then fails with the same message.
 */
export async function assertReachableServerAddress(
  serverUrl: string,
  options: { policy: AddressPolicy; resolver?: AddressResolver },
): Promise<void> {
  const hostname = new URL(serverUrl).hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string }[];
  try {
    addresses = isIP(hostname)
      ? [{ address: hostname }]
      : await (options.resolver ?? systemResolver)(hostname);
  } catch {
    return;
  }
  if (addresses.some(({ address }) => !isAllowedAddress(address, options.policy))) {
    throw new CalendarServiceUnavailableError(UNREACHABLE_SERVER_MESSAGE);
  }
}
