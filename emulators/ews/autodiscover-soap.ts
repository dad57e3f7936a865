import { XMLBuilder } from 'fast-xml-parser';
import { node, nodes, parseSoapRequest, SoapParseError, text, type OutNode, type XmlNode } from './soap';
import type { EwsStore } from './store';

/**
 * SOAP Autodiscover as Exchange Server answers it at `/autodiscover/autodiscover.svc`
 * ([MS-OXWSADISC] 3.1.4.4 GetUserSettings; EWS reference "GetUserSettings operation (SOAP)",
 * "UserResponse (SOAP)", "ErrorCode (SOAP)"): a `GetUserSettingsRequestMessage` naming
 * `Users/User/Mailbox` and `RequestedSettings/Setting`, with the WS-Addressing `Action`
 * `…/Autodiscover/Autodiscover/GetUserSettings`. The answer is a `GetUserSettingsResponseMessage`:
 * a request-level `ErrorCode` (NoError, or InvalidRequest for one it cannot read), then one
 * `UserResponse` per user: NoError with `UserSettings` (each `UserSetting i:type="StringSetting"`
 * with `Name` and `Value`) and `UserSettingErrors` (InvalidSetting for a name it does not know);
 * InvalidUser for an address with no mailbox; RedirectAddress or RedirectUrl with the
 * `RedirectTarget` for an address Exchange hands to another address or server.
 */

export const AUTODISCOVER_SOAP_PATH = '/autodiscover/autodiscover.svc';
export const AUTODISCOVER_SOAP_NS = 'http://schemas.microsoft.com/exchange/2010/Autodiscover';
export const GET_USER_SETTINGS_ACTION = `${AUTODISCOVER_SOAP_NS}/Autodiscover/GetUserSettings`;

/** Where Autodiscover sends an address instead of answering for it (POX and SOAP alike). */
export type AutodiscoverRedirect = { address: string } | { url: string };

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const WSA = 'http://www.w3.org/2005/08/addressing';
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  // `i:nil="true"`, never a bare attribute.
  suppressBooleanAttributes: false,
  processEntities: true,
});

/** The Exchange Server 2019 build the emulator reports (ServerVersionInfo, CasVersion). */
const VERSION = { major: 15, minor: 2, build: 1544, revision: 4 };

function settingsOf(store: EwsStore, email: string, ewsUrl: string): Record<string, string> | undefined {
  const mailbox = store.mailbox(email);
  if (!mailbox) return undefined;
  return {
    UserDisplayName: mailbox.name,
    AutoDiscoverSMTPAddress: mailbox.email,
    InternalEwsUrl: ewsUrl,
    ExternalEwsUrl: ewsUrl,
    CasVersion: `${VERSION.major}.${String(VERSION.minor).padStart(2, '0')}.${VERSION.build}.${String(VERSION.revision).padStart(3, '0')}`,
    EwsSupportedSchemas:
      'Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, Exchange2010_SP2, Exchange2013, Exchange2013_SP1, Exchange2016',
  };
}

function userResponse(
  store: EwsStore,
  email: string,
  requested: string[],
  ewsUrl: string,
  redirect: AutodiscoverRedirect | undefined,
): OutNode {
  const empty = { RedirectTarget: { '@_i:nil': 'true' }, UserSettingErrors: '', UserSettings: '' };
  if (redirect)
    return {
      ...empty,
      ErrorCode: 'address' in redirect ? 'RedirectAddress' : 'RedirectUrl',
      ErrorMessage: 'address' in redirect ? 'Redirection address.' : 'Redirection URL.',
      RedirectTarget: 'address' in redirect ? redirect.address : redirect.url,
    };
  const settings = settingsOf(store, email, ewsUrl);
  if (!settings) return { ErrorCode: 'InvalidUser', ErrorMessage: 'Invalid user.', ...empty };
  const known = requested.filter((name) => name in settings);
  const unknown = requested.filter((name) => !(name in settings));
  return {
    ErrorCode: 'NoError',
    ErrorMessage: 'No error.',
    RedirectTarget: { '@_i:nil': 'true' },
    UserSettingErrors: unknown.length
      ? {
          UserSettingError: unknown.map((name) => ({
            ErrorCode: 'InvalidSetting',
            ErrorMessage: 'The requested setting is invalid.',
            SettingName: name,
          })),
        }
      : '',
    UserSettings: known.length
      ? {
          UserSetting: known.map((name) => ({
            '@_i:type': 'StringSetting',
            Name: name,
            Value: settings[name],
          })),
        }
      : '',
  };
}

function envelope(response: OutNode): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    builder.build({
      's:Envelope': {
        '@_xmlns:s': 'http://schemas.xmlsoap.org/soap/envelope/',
        '@_xmlns:a': WSA,
        's:Header': {
          'a:Action': {
            '@_s:mustUnderstand': '1',
            '#text': `${GET_USER_SETTINGS_ACTION}Response`,
          },
          'h:ServerVersionInfo': {
            '@_xmlns:h': AUTODISCOVER_SOAP_NS,
            '@_xmlns:i': XSI,
            'h:MajorVersion': VERSION.major,
            'h:MinorVersion': VERSION.minor,
            'h:MajorBuildNumber': VERSION.build,
            'h:MinorBuildNumber': VERSION.revision,
            'h:Version': 'Exchange2016',
          },
        },
        's:Body': {
          GetUserSettingsResponseMessage: {
            '@_xmlns': AUTODISCOVER_SOAP_NS,
            Response: { '@_xmlns:i': XSI, ...response },
          },
        },
      },
    })
  );
}

/** The answer to one SOAP Autodiscover request, for an emulator whose EWS endpoint is `ewsUrl`. */
export function autodiscoverSoapResponse(
  store: EwsStore,
  body: string,
  ewsUrl: string,
  redirects: ReadonlyMap<string, AutodiscoverRedirect>,
): string {
  let operation: string;
  let request: XmlNode | undefined;
  try {
    ({ operation, body: request } = parseSoapRequest(body));
  } catch (error) {
    if (!(error instanceof SoapParseError)) throw error;
    operation = '';
  }
  const users = nodes(node(node(request, 'Request'), 'Users'), 'User')
    .map((user) => text(user, 'Mailbox')?.trim().toLowerCase() ?? '')
    .filter((address) => address.includes('@'));
  if (operation !== 'GetUserSettingsRequestMessage' || users.length === 0)
    return envelope({ ErrorCode: 'InvalidRequest', ErrorMessage: 'Invalid request.', UserResponses: '' });
  const requested = nodes(node(node(request, 'Request'), 'RequestedSettings'), 'Setting')
    .map((setting) => text(setting)?.trim() ?? '')
    .filter(Boolean);
  return envelope({
    ErrorCode: 'NoError',
    ErrorMessage: '',
    UserResponses: {
      UserResponse: users.map((email) => userResponse(store, email, requested, ewsUrl, redirects.get(email))),
    },
  });
}
