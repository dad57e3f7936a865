import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import {
  GET_USER_SETTINGS_ACTION,
  getUserSettingsRequest,
  isSoapAutodiscoverUrl,
  readGetUserSettingsResponse,
} from './autodiscover-soap';
import type { EwsConnectionConfig } from './config';
import { createEwsTransport } from './service';
import { elements, firstElement, textOf, type Xml } from './parsed-xml';

/**
 * Finds a mailbox's EWS address from its email address with Autodiscover, as Microsoft documents
 * it for clients outside the organisation's network ("Autodiscover for Exchange",
 * learn.microsoft.com/exchange/client-developer/exchange-web-services/autodiscover-for-exchange):
 * for `https://<domain>` and then `https://autodiscover.<domain>`, SOAP Autodiscover
 * (`/autodiscover/autodiscover.svc`, GetUserSettings: autodiscover-soap.ts), then POX
 * (`/autodiscover/autodiscover.xml`); the Active Directory SCP lookup before them only works
 * inside the domain. ews-javascript-api's AutodiscoverService does not help here: its POX path
 * throws "Not implemented." and it cannot use our transport. A redirect (to another address or
 * another Autodiscover URL, "Handling Autodiscover redirect responses") is followed once; a second
 * one, or one back to what was already asked, is refused, so a misconfigured or hostile server
 * cannot send us round in circles or across the internet. Requests go through the connection's
 * own guarded transport (service.ts), so a domain whose name leads into a private network is
 * refused like any stored server address.
 */

export const AUTODISCOVER_REQUEST_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
export const AUTODISCOVER_RESPONSE_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

export type AutodiscoverResult =
  | { kind: 'found'; ewsUrl: string }
  /** An Autodiscover endpoint answered 401: the server is there but refused the password. */
  | { kind: 'refused' }
  | { kind: 'none' };

export type AutodiscoverCredentials = Pick<
  EwsConnectionConfig,
  'username' | 'password' | 'auth' | 'addressPolicy' | 'resolver'
>;

export interface AutodiscoverOptions {
  /**
   * The Autodiscover URLs to try for a domain, in order (`…/autodiscover.svc`: SOAP, else POX);
   * Microsoft's four unless given (tests: the emulator).
   */
  candidatesFor?: (domain: string) => string[];
}

/** Redirections (to an address or a URL) followed before giving up. */
const MAX_REDIRECTS = 1;

export function defaultAutodiscoverCandidates(domain: string): string[] {
  return [`https://${domain}`, `https://autodiscover.${domain}`].flatMap((origin) => [
    `${origin}/autodiscover/autodiscover.svc`,
    `${origin}/autodiscover/autodiscover.xml`,
  ]);
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true });
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

function requestBody(email: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    builder.build({
      Autodiscover: {
        '@_xmlns': AUTODISCOVER_REQUEST_SCHEMA,
        Request: { EMailAddress: email, AcceptableResponseSchema: AUTODISCOVER_RESPONSE_SCHEMA },
      },
    })
  );
}

export type AutodiscoverAnswer =
  | { kind: 'settings'; ewsUrl: string | null }
  | { kind: 'redirectAddr'; address: string }
  | { kind: 'redirectUrl'; url: string }
  | { kind: 'error' };

/** What one POX response says. The EXPR protocol (from outside, Outlook Anywhere) before EXCH. */
export function readAutodiscoverResponse(xml: string): AutodiscoverAnswer {
  let document: Xml;
  try {
    document = parser.parse(xml, true) as Xml;
  } catch {
    return { kind: 'error' };
  }
  const response = firstElement((document['Autodiscover'] as Xml | undefined)?.['Response']);
  const account = firstElement(response?.['Account']);
  if (!account) return { kind: 'error' };
  const action = textOf(account['Action']);
  if (action === 'redirectAddr') {
    const address = textOf(account['RedirectAddr']);
    return address ? { kind: 'redirectAddr', address } : { kind: 'error' };
  }
  if (action === 'redirectUrl') {
    const url = textOf(account['RedirectUrl']);
    return url ? { kind: 'redirectUrl', url } : { kind: 'error' };
  }
  const protocols = elements(account['Protocol']);
  const ewsUrlOf = (type: string) =>
    textOf(protocols.find((protocol) => textOf(protocol['Type']) === type)?.['EwsUrl']);
  return { kind: 'settings', ewsUrl: ewsUrlOf('EXPR') ?? ewsUrlOf('EXCH') };
}

const domainOf = (address: string) => address.split('@')[1] ?? '';

const isHttps = (url: string) => {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
};

export async function discoverEwsUrl(
  email: string,
  credentials: AutodiscoverCredentials,
  options: AutodiscoverOptions = {},
): Promise<AutodiscoverResult> {
  const candidatesFor = options.candidatesFor ?? defaultAutodiscoverCandidates;
  const transport = createEwsTransport(credentials);
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  let refused = false;

  /** One POST; null when nothing answered as Autodiscover there (down, 404, not XML …). */
  async function ask(url: string, address: string): Promise<AutodiscoverAnswer | null> {
    const soap = isSoapAutodiscoverUrl(url);
    try {
      const response = await transport.xhr({
        type: 'POST',
        url,
        data: soap ? getUserSettingsRequest(address, url) : requestBody(address),
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          ...(soap ? { soapaction: GET_USER_SETTINGS_ACTION } : {}),
          ...(credentials.auth === 'basic' ? { authorization: basic } : {}),
        },
      });
      const body = String(response.responseText ?? response.response ?? '');
      return soap ? readGetUserSettingsResponse(body) : readAutodiscoverResponse(body);
    } catch (failure) {
      if ((failure as { status?: unknown } | null)?.status === 401) refused = true;
      return null;
    }
  }

  let address = email;
  let queue = candidatesFor(domainOf(address));
  let redirects = 0;
  /** Every address and every (address, URL) asked about, to tell a loop. */
  const asked = new Set<string>([address.toLowerCase()]);
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (!isHttps(url)) continue;
    asked.add(`${address} ${url}`);
    const answer = await ask(url, address);
    if (!answer || answer.kind === 'error') continue;
    if (answer.kind === 'settings') {
      if (answer.ewsUrl && isHttps(answer.ewsUrl)) return { kind: 'found', ewsUrl: answer.ewsUrl };
      continue;
    }
    // A second redirect, or one back to an address or URL already asked, ends the search.
    if (redirects >= MAX_REDIRECTS) break;
    redirects += 1;
    if (answer.kind === 'redirectUrl') {
      if (asked.has(`${address} ${answer.url}`)) break;
      queue = [answer.url];
    } else {
      const next = answer.address.trim().toLowerCase();
      if (asked.has(next)) break;
      address = next;
      asked.add(address);
      queue = candidatesFor(domainOf(address));
    }
  }
  return refused ? { kind: 'refused' } : { kind: 'none' };
}
