/**
 * Where the Google adapter talks to: the real Google endpoints by default, or any server that
 * speaks the same protocol at another base URL (configured per environment, e.g. the local
 * emulator in dev and tests). The adapter never knows which one it is.
 */

export interface GoogleEndpoints {
  /** The SDK's `rootUrl`: it appends `calendar/v3/…`. Ends with a slash. */
  apiRootUrl: string;
  /** Consent page (`oauth2AuthBaseUrl`). */
  authorizationUrl: string;
  tokenUrl: string;
  revokeUrl: string;
}

export const GOOGLE_ENDPOINTS: GoogleEndpoints = {
  apiRootUrl: 'https://www.googleapis.com/',
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
};

/** Endpoints of a Google-compatible server that serves the API and OAuth under one base URL, on Google's paths. */
export function googleEndpointsAt(baseUrl: string): GoogleEndpoints {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    apiRootUrl: `${base}/`,
    authorizationUrl: `${base}/o/oauth2/v2/auth`,
    tokenUrl: `${base}/token`,
    revokeUrl: `${base}/revoke`,
  };
}

/** The OAuth client Tandem is registered as, and where Google is. */
export interface GoogleClientConfig {
  clientId: string;
  clientSecret: string;
  /** The app's OAuth callback URL, registered with the client. */
  redirectUri: string;
  /** Defaults to Google's own endpoints. */
  endpoints?: Partial<GoogleEndpoints>;
}

/**
 * Events read/write plus calendar list and free/busy (calendar.readonly); `access_type=offline` and
 * `prompt=consent` are added by the authorization URL so that a refresh token is issued.
 */
export const GOOGLE_CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.readonly',
] as const;

export function resolveEndpoints(config: Pick<GoogleClientConfig, 'endpoints'>): GoogleEndpoints {
  return { ...GOOGLE_ENDPOINTS, ...config.endpoints };
}
