import { TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import {
  CalendarServiceUnavailableError,
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '@/server/errors';

/** The one place where domain errors become tRPC codes. */
export function trpcCodeFor(error: DomainError): TRPC_ERROR_CODE_KEY {
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  if (error instanceof ConflictError) return 'CONFLICT';
  if (error instanceof InvalidInputError) return 'BAD_REQUEST';
  if (error instanceof CalendarServiceUnavailableError) return 'SERVICE_UNAVAILABLE';
  return 'INTERNAL_SERVER_ERROR';
}

export function toTrpcError(error: DomainError): TRPCError {
  return new TRPCError({ code: trpcCodeFor(error), message: error.message, cause: error });
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
