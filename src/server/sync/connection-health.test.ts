import { describe, expect, it } from 'vitest';
import { ProviderBadRequestError, ProviderProtocolError } from '@/server/providers/errors';
import { describeSyncError } from './connection-health';

describe('describeSyncError', () => {
  it('tells an unreadable answer apart from a refusal and from an unknown failure', () => {
    expect(describeSyncError(new ProviderProtocolError('Graph event e1 has no start/end'))).toBe(
      'The calendar service sent an answer we could not read; we have been told.',
    );
    expect(describeSyncError(new ProviderBadRequestError('Google 403 forbiddenForNonOrganizer', 403))).toBe(
      'The calendar service refused our request; we have been told.',
    );
    expect(describeSyncError(new Error('bug'))).toBe(
      'Syncing failed for an unexpected reason; we will try again.',
    );
  });
});
