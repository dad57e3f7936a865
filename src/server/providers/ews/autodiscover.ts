import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { EwsConnectionConfig } from './config';
import { createEwsTransport } from './service';

/**
 * Finds a mailbox's EWS address from its email address with POX Autodiscover, as Microsoft
 * documents it for clients outside the organisation's network ("Autodiscover for Exchange",
 * learn.microsoft.com/exchange/client-developer/exchange-web-services/autodiscover-for-exchange):
 * `https://<domain>/autodiscover/autodiscover.xml`, then
 * `https://autodiscover.<domain>/autodiscover/autodiscover.xml` (the Active Directory SCP lookup
 * before them only works inside the domain). ews-javascript-api's AutodiscoverService does not
 * help here: its POX path throws "Not implemented." and its SOAP path needs autodiscover.svc.
 * Requests go through the connection's own guarded transport (service.ts), so a domain whose
 * name leads into a private network is refused like any stored server address.
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
  /** The POX URLs to try for a domain, in order; Microsoft's two unless given (tests: the emulator). */
  candidatesFor?: (domain: string) => string[];
}

/** Redirections (redirectAddr / redirectUrl) followed before giving up, as the EWS Managed API does. */
const MAX_HOPS = 10;

export function defaultAutodiscoverCandidates(domain: string): string[] {
  return [
    `https://${domain}/autodiscover/autodiscover.xml`,
    `https://autodiscover.${domain}/autodiscover/autodiscover.xml`,
  ];
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true });
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

type Xml = { [key: string]: unknown };

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

type Answer =
  | { kind: 'settings'; ewsUrl: string | null }
  | { kind: 'redirectAddr'; address: string }
  | { kind: 'redirectUrl'; url: string }
  | { kind: 'error' };

const list = (value: unknown): Xml[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (entry): entry is Xml => typeof entry === 'object' && entry !== null,
  );
const textOf = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : null;

/** What one POX response says. The EXPR protocol (from outside, Outlook Anywhere) before EXCH. */
export function readAutodiscoverResponse(xml: string): Answer {
  let document: Xml;
  try {
    document = parser.parse(xml, true) as Xml;
  } catch {
    return { kind: 'error' };
  }
  const response = list((document['Autodiscover'] as Xml | undefined)?.['Response'])[0];
  const account = list(response?.['Account'])[0];
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
  const protocols = list(account['Protocol']);
  const ewsUrlOf = (type: string) =>
    textOf(protocols.find((protocol) => textOf(protocol['Type']) === type)?.['EwsUrl']);
  return { kind: 'settings', ewsUrl: ewsUrlOf('EXPR') ?? ewsUrlOf('EXCH') };
}

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
  async function ask(url: string, address: string): Promise<Answer | null> {
    try {
      const response = await transport.xhr({
        type: 'POST',
        url,
        data: requestBody(address),
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          ...(credentials.auth === 'basic' ? { authorization: basic } : {}),
        },
      });
      return readAutodiscoverResponse(String(response.responseText ?? response.response ?? ''));
    } catch (failure) {
      if ((failure as { status?: unknown } | null)?.status === 401) refused = true;
      return null;
    }
  }

  let address = email;
  let queue = candidatesFor(address.split('@')[1] ?? '');
  for (let hop = 0; hop < MAX_HOPS && queue.length > 0; hop += 1) {
    const url = queue.shift()!;
    if (!isHttps(url)) continue;
    const answer = await ask(url, address);
    if (!answer || answer.kind === 'error') continue;
    if (answer.kind === 'settings') {
      if (answer.ewsUrl && isHttps(answer.ewsUrl)) return { kind: 'found', ewsUrl: answer.ewsUrl };
      continue;
    }
    if (answer.kind === 'redirectUrl') queue = [answer.url];
    else {
      address = answer.address;
      queue = candidatesFor(address.split('@')[1] ?? '');
    }
  }
  return refused ? { kind: 'refused' } : { kind: 'none' };
}
