/**
 * Turns whatever the googleapis SDK throws (a GaxiosError carrying Google's error body, a token
 * endpoint error, a network failure) into the typed provider errors of ../errors.ts, so the sync
 * engine decides retries and connection status from classes alone.
 */
import {
  CursorExpiredError,
  parseRetryAfter,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../errors';

const RATE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'dailyLimitExceeded',
]);
const SCOPE_REASONS = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT']);

interface ErrorResponse {
  status?: number;
  data?: unknown;
  headers?: unknown;
}

export interface ErrorContext {
  /** The request carried a sync token: a 410 then means "cursor expired". */
  withSyncToken?: boolean;
}

export function mapGoogleError(error: unknown, context: ErrorContext = {}): ProviderError {
  if (error instanceof ProviderError) return error;
  const response = (error as { response?: ErrorResponse } | null)?.response;
  const status = response?.status;
  if (!status) {
    return new ProviderUnavailableError(`Google unreachable: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  }
  const { reason, message, oauthError } = describe(response.data);
  const text = `Google ${status}${reason ? ` ${reason}` : ''}: ${message ?? messageOf(error)}`;
  const options = { cause: error };

  // The token endpoint: a revoked or expired grant.
  if (oauthError === 'invalid_grant') return new ProviderAuthRevokedError(text, status, options);
  if (status === 401) return new ProviderAuthRevokedError(text, status, options);
  if (status === 429 || (status === 403 && reason && RATE_LIMIT_REASONS.has(reason))) {
    return new ProviderRateLimitedError(
      text,
      parseRetryAfter(header(response.headers, 'retry-after')),
      status,
      options,
    );
  }
  // A grant without the calendar scopes can only be fixed by consenting again.
  if (status === 403 && reason && SCOPE_REASONS.has(reason))
    return new ProviderAuthRevokedError(text, status, options);
  if (status === 410) {
    return reason === 'fullSyncRequired' || (context.withSyncToken && reason !== 'deleted')
      ? new CursorExpiredError(text, status, options)
      : new ProviderNotFoundError(text, status, options);
  }
  if (status === 404) return new ProviderNotFoundError(text, status, options);
  if (status === 409 || status === 412) return new ProviderConflictError(text, status, options);
  if (status >= 500) return new ProviderUnavailableError(text, status, options);
  // 400 and any other refusal (403 forbiddenForNonOrganizer, 405…): asking again gets the same answer.
  return new ProviderBadRequestError(text, status, options);
}

/** The HTTP status of an SDK error, when it has one. */
export function statusOf(error: unknown): number | undefined {
  return (error as { response?: ErrorResponse } | null)?.response?.status;
}

/** Google API bodies: `{error:{code,message,errors:[{reason}]}}`; token endpoint: `{error:"invalid_grant"}`. */
function describe(data: unknown): { reason?: string; message?: string; oauthError?: string } {
  if (typeof data === 'string') {
    try {
      return describe(JSON.parse(data));
    } catch {
      return { message: data.slice(0, 200) };
    }
  }
  if (typeof data !== 'object' || data === null) return {};
  const error = (data as { error?: unknown; error_description?: unknown }).error;
  if (typeof error === 'string') {
    const description = (data as { error_description?: unknown }).error_description;
    return {
      oauthError: error,
      reason: error,
      message: typeof description === 'string' ? description : error,
    };
  }
  if (typeof error !== 'object' || error === null) return {};
  const body = error as { message?: unknown; status?: unknown; errors?: { reason?: unknown }[] };
  const reason = body.errors?.[0]?.reason;
  return {
    reason: typeof reason === 'string' ? reason : typeof body.status === 'string' ? body.status : undefined,
    message: typeof body.message === 'string' ? body.message : undefined,
  };
}

/** gaxios 7 gives fetch `Headers`; older versions a plain object. */
function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== 'object') return null;
  if ('get' in headers && typeof headers.get === 'function') {
    const value: unknown = headers.get(name);
    return typeof value === 'string' ? value : null;
  }
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
