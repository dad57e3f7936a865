import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test support: the adapter runs against the EWS emulator it must start.
import { startEwsTestbed, type EwsTestbed } from '@/emulators/ews/testbed';
import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../errors';
import { withProviderRetries } from '../retry';

/** The EWS adapter's typed errors, back-off and impersonation, against the emulator's faults. */
const ALEX = 'alex.morgan@northbridge-college.test';
const SERVICE = {
  email: 'svc-tandem@northbridge-college.test',
  name: 'Tandem service',
  password: 'svc-secret',
};
const NO_ROLE = { email: 'plain@northbridge-college.test', name: 'No role', password: 'plain-secret' };

let testbed: EwsTestbed;
beforeAll(async () => {
  testbed = await startEwsTestbed({
    extraMailboxes: [{ ...SERVICE, impersonates: ['northbridge-college.test'] }, NO_ROLE],
  });
});
afterAll(() => testbed.close());

describe('EWS adapter errors', () => {
  it('reads ErrorServerBusy as a rate limit carrying BackOffMilliseconds, and retries after exactly that', async () => {
    const { provider, calendarId } = await testbed.connect(ALEX);
    const window = { start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-01-02T00:00:00Z') };
    testbed.emulator.fault({ kind: 'serverBusy', backOffMs: 1500, operation: 'FindItem' });
    const error = await provider.readEvents(calendarId, window).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect((error as ProviderRateLimitedError).retryAfterMs).toBe(1500);

    testbed.emulator.fault({ kind: 'serverBusy', backOffMs: 700, operation: 'FindItem' });
    const waited: number[] = [];
    const events = await withProviderRetries(() => provider.readEvents(calendarId, window), {
      sleep: async (ms) => void waited.push(ms),
    });
    expect(Array.isArray(events)).toBe(true);
    expect(waited).toEqual([700]);
  });

  it('types a refused password and an injected 401 as revoked access, a 503 as unavailable', async () => {
    await expect(testbed.connect(ALEX, { password: 'wrong' })).rejects.toBeInstanceOf(
      ProviderAuthRevokedError,
    );
    const { provider } = await testbed.connect(ALEX);
    testbed.emulator.fault({ kind: 'status', status: 401 });
    await expect(provider.listCalendars()).rejects.toBeInstanceOf(ProviderAuthRevokedError);
    testbed.emulator.fault({ kind: 'status', status: 503 });
    await expect(provider.listCalendars()).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('types a forged SyncState as an expired cursor and a malformed id as not found', async () => {
    const { provider, calendarId } = await testbed.connect(ALEX);
    const window = { start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-01-02T00:00:00Z') };
    const pages = provider
      .readChanges(calendarId, 'bm90IGEgc3luYyBzdGF0ZQ==', window)
      [Symbol.asyncIterator]();
    await expect(pages.next()).rejects.toBeInstanceOf(CursorExpiredError);
    await expect(provider.getEvent(calendarId, 'not-an-ews-id')).rejects.toBeInstanceOf(
      ProviderNotFoundError,
    );
  });
});

describe('EWS impersonation', () => {
  it('acts as a mailbox through a service account holding ApplicationImpersonation', async () => {
    const { provider, calendarId } = await testbed.connect(SERVICE.email, {
      password: SERVICE.password,
      impersonate: ALEX,
    });
    const own = await testbed.connect(ALEX);
    expect(calendarId).toBe(own.calendarId);
    const busy = await provider.freeBusy([ALEX], {
      start: new Date(Date.now() - 7 * 86_400_000),
      end: new Date(Date.now() + 14 * 86_400_000),
    });
    expect(busy.get(ALEX)?.ok).toBe(true);
  });

  it('is refused with ErrorImpersonateUserDenied (revoked access) without the role', async () => {
    await expect(
      testbed.connect(NO_ROLE.email, { password: NO_ROLE.password, impersonate: ALEX }),
    ).rejects.toThrow(/ErrorImpersonateUserDenied/);
    await expect(
      testbed.connect(NO_ROLE.email, { password: NO_ROLE.password, impersonate: ALEX }),
    ).rejects.toBeInstanceOf(ProviderAuthRevokedError);
  });
});
