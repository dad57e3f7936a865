import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUTODISCOVER_NS } from './autodiscover';
import { AUTODISCOVER_SOAP_NS, GET_USER_SETTINGS_ACTION } from './autodiscover-soap';
import { startEwsEmulator, type EwsEmulator } from './server';
import { DEFAULT_PASSWORD } from './store';

/**
 * The emulator's SOAP Autodiscover and its redirects, pinned with raw XML as any client sends it:
 * [MS-OXWSADISC] 3.1.4.4 GetUserSettings; the EWS reference's "GetUserSettings operation
 * (SOAP)" (request and response examples), "UserResponse (SOAP)", "ErrorCode (SOAP)"
 * (NoError, RedirectAddress, RedirectUrl, InvalidUser, InvalidRequest, InvalidSetting) and
 * "RedirectTarget (SOAP)"; for POX, "Action (POX)" (redirectAddr / redirectUrl),
 * "RedirectAddr (POX)" and "RedirectUrl (POX)".
 */
const ALEX = 'alex.morgan@northbridge-college.test';
const MOVED = 'moved.user@northbridge-college.test';
const ELSEWHERE = 'someone@brightworks.test';
const OTHER_SERVER = 'https://mail.brightworks.test/autodiscover/autodiscover.svc';
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
    autodiscoverRedirects: { [MOVED]: { address: ALEX }, [ELSEWHERE]: { url: OTHER_SERVER } },
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** The request from the reference's example, for `mailboxes` and `settings`. */
function getUserSettings(mailboxes: string[], settings: string[]): string {
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    'soap:Envelope': {
      '@_xmlns:a': AUTODISCOVER_SOAP_NS,
      '@_xmlns:wsa': 'http://www.w3.org/2005/08/addressing',
      '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      '@_xmlns:soap': 'http://schemas.xmlsoap.org/soap/envelope/',
      'soap:Header': {
        'a:RequestedServerVersion': 'Exchange2013',
        'wsa:Action': GET_USER_SETTINGS_ACTION,
        'wsa:To': `${emulator.url}/autodiscover/autodiscover.svc`,
      },
      'soap:Body': {
        'a:GetUserSettingsRequestMessage': {
          'a:Request': {
            'a:Users': { 'a:User': mailboxes.map((mailbox) => ({ 'a:Mailbox': mailbox })) },
            'a:RequestedSettings': { 'a:Setting': settings },
          },
        },
      },
    },
  });
}

async function post(path: string, body: string, password = DEFAULT_PASSWORD) {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      authorization: `Basic ${Buffer.from(`${ALEX}:${password}`).toString('base64')}`,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, xml: response.status === 200 ? (parser.parse(text) as Xml) : {} };
}

const at = (value: unknown, ...path: string[]): Xml => {
  let current = value as Xml | undefined;
  for (const key of path) current = current?.[key] as Xml | undefined;
  return current ?? {};
};
const list = (value: unknown): Xml[] =>
  value === undefined || value === '' ? [] : Array.isArray(value) ? (value as Xml[]) : [value as Xml];

async function soap(mailboxes: string[], settings: string[]) {
  const { status, xml } = await post('/autodiscover/autodiscover.svc', getUserSettings(mailboxes, settings));
  expect(status).toBe(200);
  return {
    header: at(xml, 'Envelope', 'Header'),
    response: at(xml, 'Envelope', 'Body', 'GetUserSettingsResponseMessage', 'Response'),
  };
}

describe('SOAP Autodiscover: GetUserSettings', () => {
  it('answers NoError with the requested settings as StringSettings, the response Action and ServerVersionInfo', async () => {
    const { header, response } = await soap([ALEX], ['UserDisplayName', 'InternalEwsUrl', 'ExternalEwsUrl']);
    expect(at(header, 'Action')['#text']).toBe(`${GET_USER_SETTINGS_ACTION}Response`);
    expect(at(header, 'ServerVersionInfo')).toMatchObject({ Version: 'Exchange2016' });
    expect(response['ErrorCode']).toBe('NoError');
    const [user] = list(at(response, 'UserResponses')['UserResponse']);
    expect(user).toMatchObject({ ErrorCode: 'NoError', RedirectTarget: { '@_nil': 'true' } });
    const settings = list(at(user, 'UserSettings')['UserSetting']);
    expect(settings.map((setting) => [setting['@_type'], setting['Name'], setting['Value']])).toEqual([
      ['StringSetting', 'UserDisplayName', 'Alex Morgan'],
      ['StringSetting', 'InternalEwsUrl', emulator.endpoint],
      ['StringSetting', 'ExternalEwsUrl', emulator.endpoint],
    ]);
  });

  it('a setting it does not know is a UserSettingError InvalidSetting beside the others; one UserResponse per user, in order', async () => {
    const { response } = await soap(
      [ALEX, 'nobody@northbridge-college.test'],
      ['ExternalEwsUrl', 'NoSuchThing'],
    );
    const [alex, nobody] = list(at(response, 'UserResponses')['UserResponse']);
    expect(list(at(alex, 'UserSettingErrors')['UserSettingError'])).toEqual([
      expect.objectContaining({ ErrorCode: 'InvalidSetting', SettingName: 'NoSuchThing' }),
    ]);
    expect(list(at(alex, 'UserSettings')['UserSetting']).map((setting) => setting['Name'])).toEqual([
      'ExternalEwsUrl',
    ]);
    expect(nobody).toMatchObject({ ErrorCode: 'InvalidUser' });
  });

  it('redirects: RedirectAddress with the address to ask for instead, RedirectUrl with the server to ask', async () => {
    const { response } = await soap([MOVED, ELSEWHERE], ['ExternalEwsUrl']);
    const [moved, elsewhere] = list(at(response, 'UserResponses')['UserResponse']);
    expect(moved).toMatchObject({ ErrorCode: 'RedirectAddress', RedirectTarget: ALEX });
    expect(elsewhere).toMatchObject({ ErrorCode: 'RedirectUrl', RedirectTarget: OTHER_SERVER });
    expect(list(at(moved, 'UserSettings')['UserSetting'])).toEqual([]);
  });

  it('a body that is not GetUserSettings is InvalidRequest; a wrong password a bare HTTP 401', async () => {
    const { status, xml } = await post('/autodiscover/autodiscover.svc', '<soap:Envelope/>');
    expect(status).toBe(200);
    expect(at(xml, 'Envelope', 'Body', 'GetUserSettingsResponseMessage', 'Response')['ErrorCode']).toBe(
      'InvalidRequest',
    );
    const refused = await post(
      '/autodiscover/autodiscover.svc',
      getUserSettings([ALEX], ['ExternalEwsUrl']),
      'x',
    );
    expect(refused.status).toBe(401);
  });
});

describe('POX Autodiscover redirects', () => {
  const pox = (address: string) =>
    builder.build({
      Autodiscover: {
        '@_xmlns': AUTODISCOVER_NS.request,
        Request: { EMailAddress: address, AcceptableResponseSchema: AUTODISCOVER_NS.outlook },
      },
    });

  it('answers Action redirectAddr with RedirectAddr, or redirectUrl with RedirectUrl', async () => {
    const moved = await post('/autodiscover/autodiscover.xml', pox(MOVED));
    expect(at(moved.xml, 'Autodiscover', 'Response', 'Account')).toMatchObject({
      Action: 'redirectAddr',
      RedirectAddr: ALEX,
    });
    const elsewhere = await post('/autodiscover/autodiscover.xml', pox(ELSEWHERE));
    expect(at(elsewhere.xml, 'Autodiscover', 'Response', 'Account')).toMatchObject({
      Action: 'redirectUrl',
      RedirectUrl: OTHER_SERVER,
    });
  });

  it('redirectAutodiscover adds one until the next reset', async () => {
    emulator.redirectAutodiscover(ALEX, { address: MOVED });
    const redirected = await post('/autodiscover/autodiscover.xml', pox(ALEX));
    expect(at(redirected.xml, 'Autodiscover', 'Response', 'Account')).toMatchObject({
      Action: 'redirectAddr',
    });
    emulator.reset();
    const settled = await post('/autodiscover/autodiscover.xml', pox(ALEX));
    expect(at(settled.xml, 'Autodiscover', 'Response', 'Account')).toMatchObject({ Action: 'settings' });
  });
});
