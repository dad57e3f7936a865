import type { CalendarProvider } from '../types';
import { caldavConfig, icloudConfig, type CalDavConfig } from './config';
import { CalDavProvider } from './provider';

export { CalDavProvider, caldavConfig, icloudConfig, type CalDavConfig };
export { ICLOUD_SERVER_URL } from './config';

/** The CalDAV / iCloud adapter for one connection. */
export function createCalDavProvider(config: CalDavConfig): CalendarProvider {
  return new CalDavProvider(config);
}
