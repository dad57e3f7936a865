import { GraphError } from '@microsoft/microsoft-graph-client';
import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
  parseRetryAfter,
} from '../errors';

/** Maps whatever a Graph call threw to the typed errors the sync engine understands. */
export function toProviderError(error: unknown, operation: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!(error instanceof GraphError)) {
    return new ProviderUnavailableError(`Microsoft Graph ${operation} failed: ${String(error)}`, undefined, {
      cause: error,
    });
  }
  const status = error.statusCode;
  const code = error.code ?? '';
  const message = `Microsoft Graph ${operation}: ${status} ${code} ${error.message}`.trim();
  const options = { cause: error };
  if (status === 401) return new ProviderAuthRevokedError(message, status, options);
  if (status === 404 || code === 'ErrorItemNotFound')
    return new ProviderNotFoundError(message, status, options);
  // An id Graph cannot parse names nothing that exists: same meaning as 404 for the caller.
  if (code === 'ErrorInvalidIdMalformed') return new ProviderNotFoundError(message, status, options);
  if (status === 409 || status === 412) return new ProviderConflictError(message, status, options);
  if (status === 410) return new CursorExpiredError(message, status, options);
  if (status === 429 || status === 503) {
    const retryAfter = parseRetryAfter(error.headers?.get('retry-after') ?? null);
    if (status === 429 || retryAfter !== null)
      return new ProviderRateLimitedError(message, retryAfter, status, options);
  }
  if (status >= 500 || status <= 0)
    return new ProviderUnavailableError(message, status > 0 ? status : undefined, options);
  if (status === 403) return new ProviderAuthRevokedError(message, status, options);
  return new ProviderBadRequestError(message, status, options);
}

/** The `value` list of a Graph collection answer; an answer without one is not Graph's shape. */
export function valueListOf<T>(page: { value?: T[] | null }, operation: string): T[] {
  if (!Array.isArray(page.value))
    throw new ProviderProtocolError(`Microsoft Graph ${operation}: answer without a value list`);
  return page.value;
}
