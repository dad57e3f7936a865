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

/**
 * CalDAV answers → the typed provider errors. A 403 is ambiguous in WebDAV: it is the "expired
 * sync-token" precondition (RFC 6578 §3.2), a refused precondition of the request itself
 * (RFC 4791 §5.3.2: bad data, UID conflict…), or the account losing access.
 */
export function errorFromStatus(
  status: number,
  body: string,
  retryAfter: string | null,
  message: string,
): ProviderError {
  const text = `${message}: ${status}`;
  if (/valid-sync-token/i.test(body) && (status === 403 || status === 409))
    return new CursorExpiredError(text, status);
  if (status === 401) return new ProviderAuthRevokedError(text, status);
  if (status === 403) {
    return hasPrecondition(body)
      ? new ProviderBadRequestError(`${text} ${preconditionName(body)}`, status)
      : new ProviderAuthRevokedError(text, status);
  }
  if (status === 404 || status === 410) return new ProviderNotFoundError(text, status);
  if (status === 409 || status === 412) return new ProviderConflictError(text, status);
  if (status === 429 || (status === 503 && retryAfter)) {
    return new ProviderRateLimitedError(text, parseRetryAfter(retryAfter), status);
  }
  if (status >= 500) return new ProviderUnavailableError(text, status);
  return new ProviderBadRequestError(text, status);
}

/** Anything thrown while talking to the server that is not already typed: network, timeouts, tsdav. */
export function errorFromThrown(error: unknown, message: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  // tsdav's smartCollectionSync turns a 403 on sync-collection into this plain Error.
  if (/Collection sync failed/i.test(detail))
    return new CursorExpiredError(`${message}: ${detail}`, 403, { cause: error });
  return new ProviderUnavailableError(`${message}: ${detail}`, undefined, { cause: error });
}

/** `<error><C:no-uid-conflict/></error>`-style bodies (WebDAV/CalDAV preconditions). */
function hasPrecondition(body: string): boolean {
  return /<([a-z0-9]+:)?error[\s>]/i.test(body) && !/need-privileges/i.test(body);
}

function preconditionName(body: string): string {
  const match = /<([a-z0-9]+:)?error[^>]*>\s*<([a-z0-9]+:)?([a-z-]+)/i.exec(body);
  return match?.[3] ?? '';
}
