import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { AutodiscoverRedirect } from './autodiscover-soap';
import type { EwsStore } from './store';

/**
 * POX Autodiscover as Exchange Server answers it at `/autodiscover/autodiscover.xml`
 * (learn.microsoft.com/exchange/client-developer/web-service-reference/pox-autodiscover-web-service-reference-for-exchange):
 * an `Autodiscover` request in the Outlook request schema naming `EMailAddress` and the
 * `AcceptableResponseSchema`; the answer is the Outlook response schema's `Account` with one
 * `Protocol` per network (`EXCH` inside, `EXPR` through Outlook Anywhere), each with its `EwsUrl`.
 * An address with no mailbox is `Error` 500 "The e-mail address cannot be found.", a request it
 * cannot read `Error` 600 "Invalid Request" (both in the bare response schema, HTTP 200). An
 * address Exchange hands elsewhere gets `Action` `redirectAddr` with `RedirectAddr`, or
 * `redirectUrl` with `RedirectUrl` (the reference's "Action (POX)", "RedirectAddr (POX)",
 * "RedirectUrl (POX)").
 */

export const AUTODISCOVER_PATH = '/autodiscover/autodiscover.xml';
export const AUTODISCOVER_NS = {
  request: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006',
  response: 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006',
  outlook: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
} as const;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
});
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true });

type Xml = { [key: string]: unknown };

/** The address asked about, or null when the body is not an Outlook-schema Autodiscover request. */
function requestedAddress(body: string): string | null {
  let document: Xml;
  try {
    document = parser.parse(body, true) as Xml;
  } catch {
    return null;
  }
  const root = document['Autodiscover'] as Xml | undefined;
  if (!root || root['@_xmlns'] !== AUTODISCOVER_NS.request) return null;
  const request = root['Request'] as Xml | undefined;
  if (request?.['AcceptableResponseSchema'] !== AUTODISCOVER_NS.outlook) return null;
  const address = request['EMailAddress'];
  return typeof address === 'string' && address.includes('@') ? address.trim().toLowerCase() : null;
}

function document(response: Xml): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    builder.build({ Autodiscover: { '@_xmlns': AUTODISCOVER_NS.response, Response: response } })
  );
}

function error(code: 500 | 600, message: string): string {
  const now = new Date();
  return document({
    Error: {
      '@_Time': now.toISOString().slice(11, 23),
      '@_Id': String(now.getTime() % 2 ** 31),
      ErrorCode: String(code),
      Message: message,
      DebugData: '',
    },
  });
}

/** The answer to one POX request, for an emulator whose EWS endpoint is `ewsUrl`. */
export function autodiscoverResponse(
  store: EwsStore,
  body: string,
  ewsUrl: string,
  redirects: ReadonlyMap<string, AutodiscoverRedirect> = new Map(),
): string {
  const address = requestedAddress(body);
  if (!address) return error(600, 'Invalid Request');
  const redirect = redirects.get(address);
  if (redirect)
    return document({
      '@_xmlns': AUTODISCOVER_NS.outlook,
      Account:
        'address' in redirect
          ? { AccountType: 'email', Action: 'redirectAddr', RedirectAddr: redirect.address }
          : { AccountType: 'email', Action: 'redirectUrl', RedirectUrl: redirect.url },
    });
  const mailbox = store.mailbox(address);
  if (!mailbox) return error(500, 'The e-mail address cannot be found.');
  const protocol = (type: 'EXCH' | 'EXPR') => ({
    Type: type,
    Server: new URL(ewsUrl).host,
    ASUrl: ewsUrl,
    EwsUrl: ewsUrl,
  });
  return document({
    '@_xmlns': AUTODISCOVER_NS.outlook,
    User: { DisplayName: mailbox.name, AutoDiscoverSMTPAddress: mailbox.email },
    Account: {
      AccountType: 'email',
      Action: 'settings',
      Protocol: [protocol('EXCH'), protocol('EXPR')],
    },
  });
}
