import type { ConnectionProvider, EnterpriseProvider } from '@/server/db/schema';
import { EXCHANGE_CONNECTION_PROVIDER } from './exchange-access';

/** The provider of the calendar connections an enterprise set-up makes (Exchange impersonation makes `ews` ones). */
export const CONNECTION_PROVIDER_OF: Record<EnterpriseProvider, ConnectionProvider> = {
  google: 'google',
  microsoft: 'microsoft',
  ews_impersonation: EXCHANGE_CONNECTION_PROVIDER,
};
