/**
 * Typed errors every adapter throws, whatever the provider's own error shape.
 * The sync engine decides retries and connection status from these classes alone, so the base
 * class is abstract: every failure is one of the kinds below.
 */
export abstract class ProviderError extends Error {
  override readonly name: string = 'ProviderError';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The grant was revoked or expired (`invalid_grant`, 401 after refresh): mark `needs_reauth`. */
export class ProviderAuthRevokedError extends ProviderError {
  override readonly name = 'ProviderAuthRevokedError';
}

export class ProviderNotFoundError extends ProviderError {
  override readonly name = 'ProviderNotFoundError';
}

/** The etag we sent no longer matches (412), or the id is taken (409). */
export class ProviderConflictError extends ProviderError {
  override readonly name = 'ProviderConflictError';
}

export class ProviderRateLimitedError extends ProviderError {
  override readonly name = 'ProviderRateLimitedError';
  constructor(
    message: string,
    /** From Retry-After when the provider sent one. */
    readonly retryAfterMs: number | null,
    status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, status, options);
  }
}

/** Sync token / delta link / CalDAV sync-token no longer valid: drop the cursor, resync fully. */
export class CursorExpiredError extends ProviderError {
  override readonly name = 'CursorExpiredError';
}

/** 5xx, timeouts, network errors: retry later. */
export class ProviderUnavailableError extends ProviderError {
  override readonly name = 'ProviderUnavailableError';
}

/** The request was refused as malformed (400): a bug on our side, not worth retrying. */
export class ProviderBadRequestError extends ProviderError {
  override readonly name = 'ProviderBadRequestError';
}

/**
 * The provider answered in a shape we cannot read (a required field missing, unparseable data).
 * Asking again gets the same answer, so it is final, like a refused request.
 */
export class ProviderProtocolError extends ProviderError {
  override readonly name = 'ProviderProtocolError';
}

/** Seconds or HTTP-date, as in RFC 9110 §10.2.3; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
