/**
 * Settings of the Microsoft app registration and endpoints. Production uses the defaults; dev,
 * demo and tests point both base URLs at the emulator (production code never knows which).
 */
export interface MicrosoftAppConfig {
  clientId: string;
  clientSecret: string;
  /** Graph root without the version, default https://graph.microsoft.com */
  graphBaseUrl?: string;
  /** Identity platform root, default https://login.microsoftonline.com */
  authorityBaseUrl?: string;
  /** `common` (work + personal, default), `organizations`, `consumers`, or a tenant id / domain. */
  tenant?: string;
}

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const DEFAULT_AUTHORITY_BASE_URL = 'https://login.microsoftonline.com';

/** Delegated scopes: calendars, a refresh token, and the profile (to learn the account's address). */
export const DELEGATED_SCOPES = ['openid', 'offline_access', 'User.Read', 'Calendars.ReadWrite'];
/** App-only (client credentials) asks for the application permissions granted to the app. */
export const APPLICATION_SCOPE = 'https://graph.microsoft.com/.default';

/** Our tag on events we write: a string extended property in Tandem's own property set. */
export const TANDEM_PROPERTY_ID = 'String {6d3a1f0e-2c4b-4e8a-9b1d-7f5e3c2a1b90} Name TandemMeetingId';

export function graphBaseUrl(config: MicrosoftAppConfig): string {
  return (config.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
}

export function authorityUrl(config: MicrosoftAppConfig, tenant = config.tenant ?? 'common'): string {
  return `${(config.authorityBaseUrl ?? DEFAULT_AUTHORITY_BASE_URL).replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0`;
}
