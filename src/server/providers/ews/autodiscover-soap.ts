import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { AutodiscoverAnswer } from './autodiscover';
import { elements, firstElement, textOf, type Xml } from './parsed-xml';

/**
 * SOAP Autodiscover's GetUserSettings ([MS-OXWSADISC] 3.1.4.4; "GetUserSettings operation
 * (SOAP)" in Microsoft's EWS reference), written and read here because ews-javascript-api's
 * AutodiscoverService cannot be pointed through our guarded transport. The request asks for the
 * external and internal EWS URLs of one mailbox; the answer's `UserResponse` is NoError with
 * settings, or a redirect (`RedirectAddress` / `RedirectUrl` with `RedirectTarget`).
 */

export const AUTODISCOVER_SOAP_NS = 'http://schemas.microsoft.com/exchange/2010/Autodiscover';
export const GET_USER_SETTINGS_ACTION = `${AUTODISCOVER_SOAP_NS}/Autodiscover/GetUserSettings`;

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true });
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

/** Whether a candidate URL is a SOAP Autodiscover endpoint (else POX). */
export function isSoapAutodiscoverUrl(url: string): boolean {
  return /\/autodiscover\.svc$/i.test(new URL(url).pathname);
}

export function getUserSettingsRequest(email: string, url: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    builder.build({
      'soap:Envelope': {
        '@_xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
        '@_xmlns:a': AUTODISCOVER_SOAP_NS,
        '@_xmlns:wsa': 'http://www.w3.org/2005/08/addressing',
        'soap:Header': {
          'a:RequestedServerVersion': 'Exchange2013',
          'wsa:Action': GET_USER_SETTINGS_ACTION,
          'wsa:To': url,
        },
        'soap:Body': {
          'a:GetUserSettingsRequestMessage': {
            'a:Request': {
              'a:Users': { 'a:User': { 'a:Mailbox': email } },
              'a:RequestedSettings': { 'a:Setting': ['ExternalEwsUrl', 'InternalEwsUrl'] },
            },
          },
        },
      },
    })
  );
}

/** What one GetUserSettings response says. The external EWS URL (from outside) before the internal. */
export function readGetUserSettingsResponse(xml: string): AutodiscoverAnswer {
  let document: Xml;
  try {
    document = parser.parse(xml, true) as Xml;
  } catch {
    return { kind: 'error' };
  }
  const message = firstElement(
    firstElement(firstElement(document['Envelope'])?.['Body'])?.['GetUserSettingsResponseMessage'],
  );
  const response = firstElement(message?.['Response']);
  if (!response || textOf(response['ErrorCode']) !== 'NoError') return { kind: 'error' };
  const user = firstElement(firstElement(response['UserResponses'])?.['UserResponse']);
  const code = textOf(user?.['ErrorCode']);
  const target = textOf(user?.['RedirectTarget']);
  if (code === 'RedirectAddress')
    return target ? { kind: 'redirectAddr', address: target } : { kind: 'error' };
  if (code === 'RedirectUrl') return target ? { kind: 'redirectUrl', url: target } : { kind: 'error' };
  if (code !== 'NoError') return { kind: 'error' };
  const settings = elements(firstElement(user?.['UserSettings'])?.['UserSetting']);
  const setting = (name: string) =>
    textOf(settings.find((entry) => textOf(entry['Name']) === name)?.['Value']);
  return { kind: 'settings', ewsUrl: setting('ExternalEwsUrl') ?? setting('InternalEwsUrl') };
}
