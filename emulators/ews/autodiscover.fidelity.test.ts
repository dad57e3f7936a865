import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTODISCOVER_NS } from './autodiscover';
import { startEwsEmulator, type EwsEmulator } from './server';
import { DEFAULT_PASSWORD } from './store';

/**
 * The emulator's POX Autodiscover, pinned against Microsoft's reference with raw XML as any
 * client sends it: "POX Autodiscover web service reference for Exchange"
 * (learn.microsoft.com/exchange/client-developer/web-service-reference/pox-autodiscover-web-service-reference-for-exchange),
 * its Autodiscover (POX) request and response pages, and "Autodiscover for Exchange"
 * (learn.microsoft.com/exchange/client-developer/exchange-web-services/autodiscover-for-exchange).
 */
const ALEX = 'alex.morgan@northbridge-college.test';
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });
type Xml = Record<string, unknown>;

let emulator: EwsEmulator;
beforeAll(async () => {
  emulator = await startEwsEmulator();
});
afterAll(() => emulator.close());

/** The request body from the reference's example, for `address`. */
function poxRequest(address: string, responseSchema: string = AUTODISCOVER_NS.outlook): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    Autodiscover: {
      '@_xmlns': AUTODISCOVER_NS.request,
      Request: { EMailAddress: address, AcceptableResponseSchema: responseSchema },
    },
  });
}

async function autodiscover(body: string, password = DEFAULT_PASSWORD) {
  const response = await fetch(`${emulator.url}/autodiscover/autodiscover.xml`, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      authorization: `Basic ${Buffer.from(`${ALEX}:${password}`).toString('base64')}`,
    },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    xml: response.status === 200 ? (parser.parse(text) as Xml) : {},
  };
}

describe('POX Autodiscover', () => {
  it('answers an Outlook-schema request with the mailbox’s Account: Action settings, EXCH and EXPR protocols each with the EwsUrl', async () => {
    const { status, contentType, xml } = await autodiscover(poxRequest(ALEX));
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/xml/);
    // "Autodiscover (POX) response": the root is in the response schema, Response in the Outlook one.
    const root = xml['Autodiscover'] as Xml;
    expect(root['@_xmlns']).toBe('http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006');
    const response = root['Response'] as Xml;
    expect(response['@_xmlns']).toBe(
      'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
    );
    expect(response['User']).toMatchObject({ AutoDiscoverSMTPAddress: ALEX });
    const account = response['Account'] as Xml;
    expect(account).toMatchObject({ AccountType: 'email', Action: 'settings' });
    // "EwsUrl (POX)": the URL of the EWS endpoint, in the EXCH and the EXPR Protocol.
    const protocols = account['Protocol'] as Xml[];
    expect(protocols.map((protocol) => protocol['Type'])).toEqual(['EXCH', 'EXPR']);
    for (const protocol of protocols) expect(protocol['EwsUrl']).toBe(emulator.endpoint);
  });

  it('an address with no mailbox is Error 500 "The e-mail address cannot be found." (HTTP 200)', async () => {
    const { status, xml } = await autodiscover(poxRequest('nobody@northbridge-college.test'));
    expect(status).toBe(200);
    const error = ((xml['Autodiscover'] as Xml)['Response'] as Xml)['Error'] as Xml;
    expect(error).toMatchObject({ ErrorCode: '500', Message: 'The e-mail address cannot be found.' });
    expect(error['@_Time']).toBeTruthy();
    expect(error['@_Id']).toBeTruthy();
  });

  it('a request it cannot read, or asking for another response schema, is Error 600 "Invalid Request"', async () => {
    for (const body of [
      'not xml at all <',
      poxRequest(ALEX, 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'),
    ]) {
      const { status, xml } = await autodiscover(body);
      expect(status).toBe(200);
      expect(((xml['Autodiscover'] as Xml)['Response'] as Xml)['Error']).toMatchObject({
        ErrorCode: '600',
        Message: 'Invalid Request',
      });
    }
  });

  it('is behind the same authentication as EWS: a wrong password is a bare HTTP 401', async () => {
    const { status } = await autodiscover(poxRequest(ALEX), 'wrong');
    expect(status).toBe(401);
  });
});
