import type { Handler } from './responses';
import { text, type OutNode } from './soap';

/**
 * `ResolveNames` against the emulator's Active Directory: its mailboxes and the mail contacts
 * given as `contacts` (emulators/ews/server.ts), as Microsoft's EWS reference describes the
 * operation (learn.microsoft.com/exchange/client-developer/web-service-reference/resolvenames-operation):
 * one `UnresolvedEntry` per request; an entry without a routing type is matched to the primary
 * SMTP address (`smtp:` / `SMTP:` prefixes are accepted too), anything else by ambiguous name
 * resolution (here: the start of the display name or of the address); at most 100 candidates.
 * One match is Success, several a Warning `ErrorNameResolutionMultipleResults`, none an Error
 * `ErrorNameResolutionNoResults` (resolvenamesresponsemessage). Contacts folders are not searched:
 * the emulator has none, as if `SearchScope="ActiveDirectory"` were always asked.
 */

export interface DirectoryEntry {
  email: string;
  name: string;
  /** `Mailbox` for a mailbox user; `Contact` for a mail contact (no mailbox on this server). */
  mailboxType: 'Mailbox' | 'Contact';
}

const MAX_CANDIDATES = 100;

function mailboxXml(entry: DirectoryEntry): OutNode {
  return {
    't:Mailbox': {
      't:Name': entry.name,
      't:EmailAddress': entry.email,
      't:RoutingType': 'SMTP',
      't:MailboxType': entry.mailboxType,
    },
  };
}

function matches(entries: DirectoryEntry[], unresolved: string): DirectoryEntry[] {
  const wanted = unresolved
    .trim()
    .replace(/^smtp:/i, '')
    .toLowerCase();
  if (!wanted) return [];
  if (wanted.includes('@')) return entries.filter((entry) => entry.email === wanted);
  return entries.filter(
    (entry) => entry.name.toLowerCase().startsWith(wanted) || entry.email.startsWith(wanted),
  );
}

export function resolveNamesHandler(directory: () => DirectoryEntry[]): Handler {
  return (_ctx, request) => {
    const found = matches(directory(), text(request, 'UnresolvedEntry') ?? '').slice(0, MAX_CANDIDATES);
    if (found.length === 0)
      return [
        {
          'm:ResolveNamesResponseMessage': {
            '@_ResponseClass': 'Error',
            'm:MessageText': 'No results were found.',
            'm:ResponseCode': 'ErrorNameResolutionNoResults',
            'm:DescriptiveLinkKey': 0,
          },
        },
      ];
    const several = found.length > 1;
    // ReturnFullContactData="true" would add a Contact element per Active Directory entry; the
    // emulator answers the Mailbox part only, all that the attribute's false returns.
    return [
      {
        'm:ResolveNamesResponseMessage': {
          '@_ResponseClass': several ? 'Warning' : 'Success',
          ...(several ? { 'm:MessageText': 'Multiple results were found.' } : {}),
          'm:ResponseCode': several ? 'ErrorNameResolutionMultipleResults' : 'NoError',
          ...(several ? { 'm:DescriptiveLinkKey': 0 } : {}),
          'm:ResolutionSet': {
            '@_TotalItemsInView': String(found.length),
            '@_IncludesLastItemInRange': 'true',
            't:Resolution': found.map(mailboxXml),
          },
        },
      },
    ];
  };
}
