import * as ews from 'ews-javascript-api';
import type { DirectoryUser } from '../types';
import type { EwsConnectionConfig } from './config';
import { ewsCall } from './errors';
import { createExchangeService } from './service';

/**
 * The directory as Exchange Server shows it to a service account over EWS. EWS has no "list every
 * mailbox": `ResolveNames` resolves one name per request and returns at most 100 candidates, and
 * `FindPeople` on the directory needs a query string too (Microsoft's EWS reference,
 * resolvenames-operation, findpeople-operation). So the bulk-add preview asks about the chosen
 * people only: one `ResolveNames` per address, in Active Directory only (never a Contacts
 * folder), as the service account itself (no impersonation header). An address that resolves
 * to a mailbox user is matched; a mail contact (MailboxType `Contact`) or a distribution list is
 * in the directory without a mailbox here; nothing found is not in the directory. Exchange
 * shows no "disabled" flag through EWS, so nobody is reported suspended: a disabled account's
 * impersonation fails at connect, where the run reports it.
 */

/** Lookups in flight at once: Exchange's default EWS throttling policy allows 27 concurrent per user. */
const CONCURRENT_LOOKUPS = 4;

export async function resolveDirectoryUsers(
  config: Omit<EwsConnectionConfig, 'impersonate'>,
  addresses: readonly string[],
): Promise<{ users: DirectoryUser[]; calls: number }> {
  const service = createExchangeService({ ...config, impersonate: null });
  const wanted = [...new Set(addresses.map((address) => address.trim().toLowerCase()))];
  const users: DirectoryUser[] = [];
  let next = 0;
  async function worker() {
    while (next < wanted.length) {
      const address = wanted[next++]!;
      const resolutions = await ewsCall('ResolveNames', () =>
        service.ResolveName(address, ews.ResolveNameSearchLocation.DirectoryOnly, false),
      );
      // Without a routing type Exchange matches the primary SMTP address; keep that exact one only.
      const exact = resolutions
        .GetEnumerator()
        .map((resolution) => resolution.Mailbox)
        .find((mailbox) => mailbox.Address?.toLowerCase() === address);
      if (exact)
        users.push({
          email: address,
          hasMailbox: exact.MailboxType === ews.MailboxType.Mailbox,
          suspended: false,
        });
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_LOOKUPS, wanted.length) }, worker));
  return { users: users.sort((a, b) => a.email.localeCompare(b.email)), calls: wanted.length };
}
