import { XhrApi } from '@ewsjs/xhr';
import * as ews from 'ews-javascript-api';
import type { EwsConnectionConfig } from './config';

/**
 * One ExchangeService per adapter. Its own XHR api (never the library's global one), so two
 * connections with different NTLM credentials never share a transport. The service time zone is
 * UTC: every instant goes over the wire in UTC and GetUserAvailability's wall-clock times are UTC.
 */
export function createExchangeService(config: EwsConnectionConfig): ews.ExchangeService {
  const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2016, ews.TimeZoneInfo.Utc);
  service.Url = new ews.Uri(config.endpoint);
  service.Credentials = new ews.WebCredentials(config.username, config.password);
  const xhr = new XhrApi({});
  service.XHRApi = config.auth === 'ntlm' ? xhr.useNtlmAuthentication(config.username, config.password) : xhr;
  if (config.impersonate)
    service.ImpersonatedUserId = new ews.ImpersonatedUserId(
      ews.ConnectingIdType.SmtpAddress,
      config.impersonate,
    );
  return service;
}
