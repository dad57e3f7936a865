/** The Google Calendar adapter: the provider, its OAuth helpers and its endpoint configuration. */
export { createGoogleProvider, GoogleCalendarProvider, type GoogleProviderOptions } from './provider';
export {
  createAuthorizationRequest,
  createGoogleOAuthApp,
  exchangeAuthorizationCode,
  refreshAccessToken,
  revokeGrant,
  stateMatches,
  type AuthorizationRequest,
  type ConnectedAccount,
} from './oauth';
export {
  GOOGLE_CALENDAR_SCOPES,
  GOOGLE_ENDPOINTS,
  googleEndpointsAt,
  type GoogleClientConfig,
  type GoogleEndpoints,
} from './config';
export {
  createServiceAccountClient,
  ServiceAccountSession,
  type JwtClient,
  type ServiceAccountCredentials,
} from './service-account';
export { DIRECTORY_READ_SCOPE, listWorkspaceUsers } from './directory';
