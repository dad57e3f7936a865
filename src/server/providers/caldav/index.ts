import type { CalendarProvider } from '../types';
import { caldavConfig, icloudConfig, type CalDavConfig } from './config';
import { CalDavProvider } from './provider';

export { CalDavProvider, caldavConfig, icloudConfig, type CalDavConfig };
export { ICLOUD_SERVER_URL } from './config';
export {
  classifyAddress,
  isAllowedAddress,
  STRICT_ADDRESS_POLICY,
  type AddressPolicy,
} from './address-policy';
export type { AddressResolver } from './guarded-agent';

/** The CalDAV / iCloud adapter for one connection. */
export function createCalDavProvider(config: CalDavConfig): CalendarProvider {
  return new CalDavProvider(config);
}
