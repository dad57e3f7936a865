/**
 * Google API error bodies, exactly as the Calendar API's "Handle API errors" guide shows them:
 * `{"error":{"errors":[{domain, reason, message, location?, locationType?}],"code","message"}}`.
 * Handlers throw `GoogleApiError`; the app's error handler renders it.
 */

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  location?: string;
  locationType?: 'parameter' | 'header';
}

export class GoogleApiError extends Error {
  constructor(
    readonly code: number,
    readonly item: GoogleErrorItem,
    readonly headers: Record<string, string> = {},
    /** Google adds a gRPC-style `status` to some errors (UNAUTHENTICATED, PERMISSION_DENIED). */
    readonly status?: string,
  ) {
    super(item.message);
  }

  body(): unknown {
    return googleErrorBody(this.code, this.item, this.status);
  }
}

export function googleErrorBody(code: number, item: GoogleErrorItem, status?: string): unknown {
  return { error: { code, message: item.message, errors: [item], ...(status ? { status } : {}) } };
}

export const apiErrors = {
  badRequest: (message: string, location?: string) =>
    new GoogleApiError(400, {
      domain: 'global',
      reason: location ? 'invalid' : 'badRequest',
      message,
      ...(location ? { location, locationType: 'parameter' as const } : {}),
    }),
  required: (location: string, message = 'Required') =>
    new GoogleApiError(400, {
      domain: 'global',
      reason: 'required',
      message,
      location,
      locationType: 'parameter',
    }),
  timeRangeEmpty: (location = 'timeMax') =>
    new GoogleApiError(400, {
      domain: 'calendar',
      reason: 'timeRangeEmpty',
      message: 'The specified time range is empty.',
      location,
      locationType: 'parameter',
    }),
  missingCredentials: () =>
    new GoogleApiError(
      401,
      {
        domain: 'global',
        reason: 'required',
        message: 'Login Required.',
        location: 'Authorization',
        locationType: 'header',
      },
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
      'UNAUTHENTICATED',
    ),
  invalidCredentials: () =>
    new GoogleApiError(
      401,
      {
        domain: 'global',
        reason: 'authError',
        message: 'Invalid Credentials',
        location: 'Authorization',
        locationType: 'header',
      },
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      'UNAUTHENTICATED',
    ),
  insufficientScopes: () =>
    new GoogleApiError(
      403,
      {
        domain: 'global',
        reason: 'insufficientPermissions',
        message: 'Request had insufficient authentication scopes.',
      },
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"' },
      'PERMISSION_DENIED',
    ),
  forbidden: (message = 'Forbidden') =>
    new GoogleApiError(403, { domain: 'global', reason: 'forbidden', message }),
  notFound: () => new GoogleApiError(404, { domain: 'global', reason: 'notFound', message: 'Not Found' }),
  deleted: () =>
    new GoogleApiError(410, { domain: 'global', reason: 'deleted', message: 'Resource has been deleted' }),
  fullSyncRequired: () =>
    new GoogleApiError(410, {
      domain: 'calendar',
      reason: 'fullSyncRequired',
      message: 'Sync token is no longer valid, a full sync is required.',
      location: 'syncToken',
      locationType: 'parameter',
    }),
  duplicate: () =>
    new GoogleApiError(409, {
      domain: 'global',
      reason: 'duplicate',
      message: 'The requested identifier already exists.',
    }),
  preconditionFailed: () =>
    new GoogleApiError(412, {
      domain: 'global',
      reason: 'conditionNotMet',
      message: 'Precondition Failed',
      location: 'If-Match',
      locationType: 'header',
    }),
};

/** Bodies of the injectable faults (rate limits, backend errors), for the control API's presets. */
export const faultBodies = {
  rateLimitExceeded: (code: 403 | 429) =>
    googleErrorBody(code, {
      domain: 'usageLimits',
      reason: 'rateLimitExceeded',
      message: 'Rate Limit Exceeded',
    }),
  userRateLimitExceeded: () =>
    googleErrorBody(403, {
      domain: 'usageLimits',
      reason: 'userRateLimitExceeded',
      message: 'User Rate Limit Exceeded',
    }),
  quotaExceeded: () =>
    googleErrorBody(403, {
      domain: 'usageLimits',
      reason: 'quotaExceeded',
      message: 'Calendar usage limits exceeded.',
    }),
  backendError: (code: number) =>
    googleErrorBody(code, { domain: 'global', reason: 'backendError', message: 'Backend Error' }),
};
