import { describe, expect, it } from 'vitest';
import {
  CalendarServiceUnavailableError,
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '@/server/errors';
import { ProviderUnavailableError } from '@/server/providers/errors';
import { isDomainError, toTrpcError, trpcCodeFor } from './errors';

describe('trpcCodeFor', () => {
  it.each([
    [new NotFoundError('x'), 'NOT_FOUND'],
    [new ForbiddenError('x'), 'FORBIDDEN'],
    [new ConflictError('x'), 'CONFLICT'],
    [new InvalidInputError('x'), 'BAD_REQUEST'],
    [new CalendarServiceUnavailableError('x'), 'SERVICE_UNAVAILABLE'],
    [new DomainError('x'), 'INTERNAL_SERVER_ERROR'],
  ] as const)('maps %s to %s', (error, code) => {
    expect(trpcCodeFor(error)).toBe(code);
    expect(toTrpcError(error)).toMatchObject({ code, message: 'x', cause: error });
  });

  it('does not take an adapter error for a domain one: services must translate it first', () => {
    expect(isDomainError(new ProviderUnavailableError('Google unreachable'))).toBe(false);
  });
});
