import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEwsEmulator, type EwsEmulator } from './server';

/**
 * Exchange impersonation and name resolution on the wire, pinned against Microsoft's EWS
 * reference (learn.microsoft.com/exchange/client-developer/…), with raw SOAP as any EWS client
 * sends it:
 * - exchange-web-services/impersonation-and-ews-in-exchange and
 *   web-service-reference/exchangeimpersonation, connectingsid: the `t:ExchangeImpersonation`
 *   header names the mailbox by `t:ConnectingSID` / `t:PrimarySmtpAddress`, honoured for an account
 *   holding the ApplicationImpersonation role over that mailbox;
 * - web-service-reference/responsecode: `ErrorImpersonateUserDenied` ("The account does not have
 *   permission to impersonate the requested user.") and `ErrorNonExistentMailbox` ("The SMTP
 *   address has no mailbox associated with it."), sent as SOAP faults (HTTP 500, `faultcode`
 *   `a:ErrorX`, `detail` / `e:ResponseCode`), the way request-level errors come;
 * - web-service-reference/resolvenames-operation and resolvenamesresponsemessage: one
 *   UnresolvedEntry, Success for one candidate, Warning `ErrorNameResolutionMultipleResults`
 *   for several, Error `ErrorNameResolutionNoResults` for none; `Resolution` / `Mailbox` with
 *   Name, EmailAddress, RoutingType and MailboxType (`Mailbox`, `Contact` …).
 */
const DOMAIN = 'impersonation-fidelity.test';
const SERVICE = { email: `svc-tandem@${DOMAIN}`, name: 'Tandem service', password: 'svc-secret' };
const NO_ROLE = { email: `plain@${DOMAIN}`, name: 'Plain user', password: 'plain-secret' };
const QUINN = `quinn@${DOMAIN}`;
const T = 'http://schemas.microsoft.com/exchange/services/2006/types';
const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
});

type Xml = Record<string, unknown>;
let emulator: EwsEmulator;
beforeAll(async () => {
  emulator = await startEwsEmulator({
    extraMailboxes: [
      { ...SERVICE, impersonates: [DOMAIN] },
      NO_ROLE,
      { email: QUINN, name: 'Quinn Ward' },
      { email: `quincy@${DOMAIN}`, name: 'Quincy Stone' },
      { email: 'someone@other-org.test', name: 'Someone Else' },
    ],
    contacts: [{ email: 'vendor@supplier.test', name: 'Vendor Contact' }],
  });
});
afterAll(() => emulator.close());

async function soap(body: Xml, account: { email: string; password: string }, header: Xml = {}) {
  const envelope = builder.build({
    'soap:Envelope': {
      '@_xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
      '@_xmlns:t': T,
      '@_xmlns:m': M,
      'soap:Header': { 't:RequestServerVersion': { '@_Version': 'Exchange2016' }, ...header },
      'soap:Body': body,
    },
  });
  const response = await fetch(emulator.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      authorization: `Basic ${Buffer.from(`${account.email}:${account.password}`).toString('base64')}`,
    },
    body: envelope,
  });
  const text = await response.text();
  return { status: response.status, xml: parser.parse(text) as Xml };
}

function at(value: unknown, ...path: string[]): Xml {
  let current = value as Xml | undefined;
  for (const key of path) current = current?.[key] as Xml | undefined;
  return current ?? {};
}

const textOf = (value: unknown) =>
  typeof value === 'string' ? value : String((value as Xml | undefined)?.['#text'] ?? '');

const getCalendar = {
  'm:GetFolder': {
    'm:FolderShape': { 't:BaseShape': 'IdOnly' },
    'm:FolderIds': { 't:DistinguishedFolderId': { '@_Id': 'calendar' } },
  },
};
const impersonating = (address: string) => ({
  't:ExchangeImpersonation': { 't:ConnectingSID': { 't:PrimarySmtpAddress': address } },
});

function faultOf(answer: { status: number; xml: Xml }) {
  const fault = at(answer.xml, 'Envelope', 'Body', 'Fault');
  return {
    status: answer.status,
    faultcode: textOf(fault['faultcode']),
    responseCode: textOf(at(fault, 'detail')['ResponseCode']),
    message: textOf(at(fault, 'detail')['Message']),
  };
}

function folderIdOf(answer: { xml: Xml }) {
  const message = at(answer.xml, 'Envelope', 'Body', 'GetFolderResponse', 'ResponseMessages');
  return at(message, 'GetFolderResponseMessage', 'Folders', 'CalendarFolder', 'FolderId')['@_Id'];
}

describe('ExchangeImpersonation header', () => {
  it('acts as the named mailbox for a service account holding ApplicationImpersonation', async () => {
    const own = await soap(getCalendar, SERVICE);
    const asQuinn = await soap(getCalendar, SERVICE, impersonating(QUINN));
    expect(asQuinn.status).toBe(200);
    const direct = await soap(getCalendar, { email: QUINN, password: 'exchange-demo' });
    // The folder is Quinn's own calendar, not the service account's.
    expect(folderIdOf(asQuinn)).toBe(folderIdOf(direct));
    expect(folderIdOf(asQuinn)).not.toBe(folderIdOf(own));
  });

  it('refuses an account without the role with the SOAP fault ErrorImpersonateUserDenied', async () => {
    expect(faultOf(await soap(getCalendar, NO_ROLE, impersonating(QUINN)))).toEqual({
      status: 500,
      faultcode: 'a:ErrorImpersonateUserDenied',
      responseCode: 'ErrorImpersonateUserDenied',
      message: 'The account does not have permission to impersonate the requested user.',
    });
  });

  it('refuses a mailbox outside the role’s scope with ErrorImpersonateUserDenied too', async () => {
    const outside = faultOf(await soap(getCalendar, SERVICE, impersonating('someone@other-org.test')));
    expect(outside.faultcode).toBe('a:ErrorImpersonateUserDenied');
  });

  it('answers an address with no mailbox with the SOAP fault ErrorNonExistentMailbox', async () => {
    expect(faultOf(await soap(getCalendar, SERVICE, impersonating(`nobody@${DOMAIN}`)))).toEqual({
      status: 500,
      faultcode: 'a:ErrorNonExistentMailbox',
      responseCode: 'ErrorNonExistentMailbox',
      message: 'The SMTP address has no mailbox associated with it.',
    });
  });
});

describe('ResolveNames', () => {
  const resolve = (entry: string) =>
    soap(
      {
        'm:ResolveNames': {
          '@_ReturnFullContactData': 'false',
          '@_SearchScope': 'ActiveDirectory',
          'm:UnresolvedEntry': entry,
        },
      },
      SERVICE,
    );
  const messageOf = (answer: { xml: Xml }) =>
    at(
      answer.xml,
      'Envelope',
      'Body',
      'ResolveNamesResponse',
      'ResponseMessages',
      'ResolveNamesResponseMessage',
    );

  it('resolves a primary SMTP address to one Mailbox (Success)', async () => {
    const message = messageOf(await resolve(QUINN));
    expect(message['@_ResponseClass']).toBe('Success');
    expect(message['ResponseCode']).toBe('NoError');
    expect(at(message, 'ResolutionSet')).toMatchObject({
      '@_TotalItemsInView': '1',
      '@_IncludesLastItemInRange': 'true',
    });
    expect(at(message, 'ResolutionSet', 'Resolution', 'Mailbox')).toEqual({
      Name: 'Quinn Ward',
      EmailAddress: QUINN,
      RoutingType: 'SMTP',
      MailboxType: 'Mailbox',
    });
  });

  it('resolves a mail contact with MailboxType Contact, and an smtp: prefix like no prefix', async () => {
    const message = messageOf(await resolve('SMTP:vendor@supplier.test'));
    expect(at(message, 'ResolutionSet', 'Resolution', 'Mailbox')['MailboxType']).toBe('Contact');
  });

  it('answers several candidates with a Warning and none with an Error', async () => {
    const several = messageOf(await resolve('Quin'));
    expect(several['@_ResponseClass']).toBe('Warning');
    expect(several['ResponseCode']).toBe('ErrorNameResolutionMultipleResults');
    expect(at(several, 'ResolutionSet')['@_TotalItemsInView']).toBe('2');
    const none = messageOf(await resolve(`nobody@${DOMAIN}`));
    expect(none).toMatchObject({
      '@_ResponseClass': 'Error',
      MessageText: 'No results were found.',
      ResponseCode: 'ErrorNameResolutionNoResults',
    });
  });
});
