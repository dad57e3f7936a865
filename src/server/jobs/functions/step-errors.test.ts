import { NonRetriableError, RetryAfterError } from 'inngest';
import { describe, expect, it } from 'vitest';
import { ProviderProtocolError, ProviderUnavailableError } from '@/server/providers/errors';
import { toStepError } from './step-errors';

describe('toStepError', () => {
  it('ends the run on a provider answer it cannot read: asking again gets the same answer', () => {
    const error = new ProviderProtocolError('Microsoft Graph delta page had neither nextLink nor deltaLink');
    const mapped = toStepError(error, 0);
    expect(mapped).toBeInstanceOf(NonRetriableError);
    expect((mapped as NonRetriableError).cause).toBe(error);
  });

  it('retries an outage after a back-off, and leaves untyped errors to Inngest’s own retries', () => {
    expect(toStepError(new ProviderUnavailableError('Google unreachable'), 0)).toBeInstanceOf(
      RetryAfterError,
    );
    const bug = new Error('bug');
    expect(toStepError(bug, 0)).toBe(bug);
  });
});
