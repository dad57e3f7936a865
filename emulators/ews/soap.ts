import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/**
 * SOAP 1.1 envelopes for the EWS emulator, parsed and built with fast-xml-parser (never string
 * templates). Requests are read namespace-blind (`removeNSPrefix`): EWS clients use various
 * prefixes for the same namespaces. Responses use the prefixes Exchange itself writes
 * (`s:` envelope, `m:` messages, `t:` types), as in Microsoft's EWS reference examples.
 */

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  errors: 'http://schemas.microsoft.com/exchange/services/2006/errors',
} as const;

/** A parsed XML element: child elements by local name, attributes as `@_Name`, text as `#text`. */
export type XmlNode = { [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  // Exchange writes `IncludesLastItemInRange="true"`, never a bare attribute.
  suppressBooleanAttributes: false,
  processEntities: true,
});

export class SoapParseError extends Error {}

export interface SoapRequest {
  header: XmlNode;
  /** The operation element (e.g. `CreateItem`) and its name. */
  operation: string;
  body: XmlNode;
}

export function parseSoapRequest(xml: string): SoapRequest {
  let document: XmlNode;
  try {
    document = parser.parse(xml, true) as XmlNode;
  } catch (error) {
    throw new SoapParseError(`not XML: ${(error as Error).message}`);
  }
  const envelope = node(document, 'Envelope');
  const body = envelope && node(envelope, 'Body');
  if (!envelope || !body) throw new SoapParseError('not a SOAP envelope');
  const operation = Object.keys(body).find((key) => !key.startsWith('@_') && key !== '#text');
  if (!operation) throw new SoapParseError('empty SOAP body');
  return { header: node(envelope, 'Header') ?? {}, operation, body: node(body, operation) ?? {} };
}

/** The child element `name` (the first when repeated). */
export function node(parent: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = parent?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return typeof first === 'object' ? (first as XmlNode) : { '#text': String(first) };
}

/** Every child element `name`, repeated or not. */
export function nodes(parent: XmlNode | undefined, name: string): XmlNode[] {
  const value = parent?.[name];
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((entry) =>
    typeof entry === 'object' ? (entry as XmlNode) : { '#text': String(entry) },
  );
}

/** The text of child `name` (or of the node itself when `name` is absent). */
export function text(parent: XmlNode | undefined, name?: string): string | undefined {
  const target = name === undefined ? parent : node(parent, name);
  const value = target?.['#text'];
  return value === undefined ? undefined : String(value);
}

export function attr(element: XmlNode | undefined, name: string): string | undefined {
  const value = element?.[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

/** Child elements in document order as [localName, node] pairs (fast-xml-parser groups repeats). */
export function children(parent: XmlNode | undefined): [string, XmlNode][] {
  if (!parent) return [];
  return Object.keys(parent)
    .filter((key) => !key.startsWith('@_') && key !== '#text')
    .flatMap((key) => nodes(parent, key).map((child) => [key, child] as [string, XmlNode]));
}

/** What the emulator writes: element objects keyed by prefixed names, attributes as `@_Name`. */
export type OutNode = { [key: string]: unknown };

export function buildSoapResponse(operation: string, messages: OutNode[]): string {
  const responseName = `m:${operation}Response`;
  return buildEnvelope({
    [responseName]: {
      '@_xmlns:m': NS.messages,
      '@_xmlns:t': NS.types,
      'm:ResponseMessages': groupByName(messages),
    },
  });
}

export function buildEnvelope(body: OutNode): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    builder.build({
      's:Envelope': {
        '@_xmlns:s': NS.soap,
        's:Header': {
          'h:ServerVersionInfo': {
            '@_xmlns:h': NS.types,
            '@_MajorVersion': '15',
            '@_MinorVersion': '2',
            '@_MajorBuildNumber': '1544',
            '@_MinorBuildNumber': '4',
            '@_Version': 'V2017_07_11',
          },
        },
        's:Body': body,
      },
    })
  );
}

/** `[{a:1},{a:2},{b:3}]` → `{a:[1,2], b:3}`: repeated siblings for the builder. */
export function groupByName(elements: OutNode[]): OutNode {
  const grouped: Record<string, unknown[]> = {};
  for (const element of elements) {
    for (const [key, value] of Object.entries(element)) (grouped[key] ??= []).push(value);
  }
  return Object.fromEntries(
    Object.entries(grouped).map(([key, values]) => [key, values.length === 1 ? values[0] : values]),
  );
}

/**
 * A SOAP fault as Exchange sends one for a request-level error (ErrorServerBusy, schema
 * violations, impersonation refused): HTTP 500, `faultcode` `a:ErrorX`, and a `detail` with
 * `e:ResponseCode`, `e:Message` and, for throttling, `t:MessageXml` with BackOffMilliseconds.
 */
export function buildSoapFault(code: string, message: string, messageXml?: Record<string, string>): string {
  const detail: OutNode = {
    'e:ResponseCode': { '@_xmlns:e': NS.errors, '#text': code },
    'e:Message': { '@_xmlns:e': NS.errors, '#text': message },
  };
  if (messageXml) {
    detail['t:MessageXml'] = {
      '@_xmlns:t': NS.types,
      't:Value': Object.entries(messageXml).map(([name, value]) => ({ '@_Name': name, '#text': value })),
    };
  }
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    builder.build({
      's:Envelope': {
        '@_xmlns:s': NS.soap,
        's:Body': {
          's:Fault': {
            faultcode: { '@_xmlns:a': NS.types, '#text': `a:${code}` },
            faultstring: { '@_xml:lang': 'en-US', '#text': message },
            detail,
          },
        },
      },
    })
  );
}
