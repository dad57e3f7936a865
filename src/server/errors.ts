/**
 * Errors a domain service throws when a request cannot be honoured. The tRPC layer maps each
 * class to one error code (src/server/api/errors.ts); anything else reaching a user is a bug.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
}

/** The thing does not exist, or the actor may not know it exists (other tenants' data). */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
}

/** The actor is known but their role or permission does not allow the action. */
export class ForbiddenError extends DomainError {
  override readonly name = 'ForbiddenError';
}

/** The request contradicts the current state (e.g. answering a cancelled meeting). */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
}

/** Well-formed input that breaks a domain rule (e.g. inviting someone outside the tenant). */
export class InvalidInputError extends DomainError {
  override readonly name = 'InvalidInputError';
}

/**
 * A third-party calendar could not be reached; the user may retry later. The domain's answer to a
 * user who waits, unlike the adapters' ProviderUnavailableError, which the sync engine retries.
 */
export class CalendarServiceUnavailableError extends DomainError {
  override readonly name = 'CalendarServiceUnavailableError';
}
