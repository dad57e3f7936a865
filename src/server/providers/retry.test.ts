import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleTestbed, TESTBED_CLIENT, type GoogleTestbed } from '@/emulators/google/testbed';
import {
  ProviderAuthRevokedError,
  ProviderConflictError,
  ProviderProtocolError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from './errors';
import { googleEndpointsAt } from './google/config';
import { createGoogleProvider } from './google/provider';
import { retryDelayFor, withProviderRetries } from './retry';

describe('retryDelayFor', () => {
  it("uses the provider's Retry-After when there is one", () => {
    expect(retryDelayFor(new ProviderRateLimitedError('slow down', 7_000, 429), 1)).toBe(7_000);
    expect(retryDelayFor(new ProviderRateLimitedError('slow down', 7_000, 429), 3)).toBe(7_000);
  });

  it('backs off exponentially with jitter otherwise, up to the cap', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 5_000 };
    const unavailable = new ProviderUnavailableError('down', 503);
    expect(retryDelayFor(unavailable, 1, policy, () => 1)).toBe(1_000);
    expect(retryDelayFor(unavailable, 3, policy, () => 1)).toBe(4_000);
    expect(retryDelayFor(unavailable, 3, policy, () => 0)).toBe(2_000);
    expect(retryDelayFor(unavailable, 8, policy, () => 1)).toBe(5_000);
  });

  it('does not retry what retrying cannot fix', () => {
    expect(retryDelayFor(new ProviderAuthRevokedError('revoked', 400), 1)).toBeNull();
    expect(retryDelayFor(new ProviderConflictError('etag', 412), 1)).toBeNull();
    expect(retryDelayFor(new ProviderProtocolError('delta page without a deltaLink'), 1)).toBeNull();
    expect(retryDelayFor(new Error('bug'), 1)).toBeNull();
  });
});

describe('withProviderRetries against the Google emulator', () => {
  let bed: GoogleTestbed;
  beforeAll(async () => {
    bed = await startGoogleTestbed();
  });
  afterAll(() => bed.close());
  // Each test starts without leftover faults.
  beforeEach(() => bed.emulator.control.reset());

  const provider = () =>
    createGoogleProvider({
      config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) },
      tokens: bed.tokens('organizer@northbridge.test'),
    });

  it('waits what Retry-After says, then succeeds', async () => {
    bed.emulator.control.preset('rate_limit_429', { retryAfterSeconds: 3, times: 2 });
    const waits: number[] = [];
    const calendars = await withProviderRetries(() => provider().listCalendars(), {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(waits).toEqual([3_000, 3_000]);
    expect(calendars.map((calendar) => calendar.externalId)).toContain('organizer@northbridge.test');
  });

  it('gives up after the last attempt with the typed error', async () => {
    bed.emulator.control.preset('rate_limit_429', { retryAfterSeconds: 1, times: 5 });
    const waits: number[] = [];
    await expect(
      withProviderRetries(() => provider().listCalendars(), {
        policy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
        sleep: async (ms) => {
          waits.push(ms);
        },
      }),
    ).rejects.toBeInstanceOf(ProviderRateLimitedError);
    expect(waits).toEqual([1_000, 1_000]);
  });
});
