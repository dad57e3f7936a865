import { isIP } from 'node:net';
import { XhrApi } from '@ewsjs/xhr';
import type { AxiosRequestConfig } from 'axios';
import * as ews from 'ews-javascript-api';
import { isAllowedAddress, STRICT_ADDRESS_POLICY, type AddressPolicy } from '../caldav/address-policy';
import {
  guardedLookup,
  RefusedAddressError,
  systemResolver,
  type AddressResolver,
} from '../caldav/guarded-agent';
import type { EwsConnectionConfig } from './config';

type XhrOptions = Parameters<XhrApi['xhr']>[0];
type TransportConfig = Pick<
  EwsConnectionConfig,
  'username' | 'password' | 'auth' | 'addressPolicy' | 'resolver'
>;

/**
 * The address guard on every EWS request, sync and writes alike, not only at connect. The sockets'
 * `lookup` is the guard proper: it checks the address really used, so a name that resolves
 * differently between a check and the connection (DNS rebinding) cannot slip past. Before each
 * request the name is also checked here, because the library loses the lookup's error on the way
 * (NTLM's handshake swallows it), and literal addresses never reach a lookup at all. The same
 * policy as CalDAV's (providers/caldav/address-policy.ts).
 */
class GuardedXhrApi extends XhrApi {
  private readonly policy: AddressPolicy;
  private readonly resolver: AddressResolver;

  constructor(config: TransportConfig) {
    const policy = config.addressPolicy ?? STRICT_ADDRESS_POLICY;
    const resolver = config.resolver ?? systemResolver;
    // @ewsjs/xhr sends with axios, which takes a Node-style lookup (it adapts the callback's
    // arguments) though its typings name their own address entry type.
    super({ lookup: guardedLookup(policy, resolver) as unknown as AxiosRequestConfig['lookup'] });
    this.policy = policy;
    this.resolver = resolver;
  }

  private async assertAllowed(url: string): Promise<void> {
    const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(hostname) ? [hostname] : (await this.resolver(hostname)).map((entry) => entry.address);
    } catch {
      return; // an unknown name fails the request itself, as a network failure
    }
    if (addresses.some((address) => !isAllowedAddress(address, this.policy))) throw new RefusedAddressError();
  }

  override async xhr(options: XhrOptions, progress?: Parameters<XhrApi['xhr']>[1]): Promise<XMLHttpRequest> {
    await this.assertAllowed(options.url);
    return super.xhr(options, progress);
  }
}

/**
 * The HTTP transport of one connection: its own (never the library's global one), so two
 * connections with different NTLM credentials never share one, and address-guarded.
 */
export function createEwsTransport(config: TransportConfig): XhrApi {
  const xhr = new GuardedXhrApi(config);
  return config.auth === 'ntlm' ? xhr.useNtlmAuthentication(config.username, config.password) : xhr;
}

/**
 * One ExchangeService per adapter. The service time zone is UTC: every instant goes over the wire
 * in UTC and GetUserAvailability's wall-clock times are UTC.
 */
export function createExchangeService(config: EwsConnectionConfig): ews.ExchangeService {
  const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2016, ews.TimeZoneInfo.Utc);
  service.Url = new ews.Uri(config.endpoint);
  service.Credentials = new ews.WebCredentials(config.username, config.password);
  service.XHRApi = createEwsTransport(config);
  if (config.impersonate)
    service.ImpersonatedUserId = new ews.ImpersonatedUserId(
      ews.ConnectingIdType.SmtpAddress,
      config.impersonate,
    );
  return service;
}
