import { describe, expect, it } from 'vitest';
import { FixedWindowRateLimiter } from './rate-limit';
import { clientAddress } from './client-address';

const at = (seconds: number) => new Date(Date.UTC(2026, 2, 2, 8, 0, seconds));

describe('FixedWindowRateLimiter', () => {
  it('allows `limit` requests per key per window, then says when to come back', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 3, windowMs: 60_000 });
    expect([0, 1, 2].map((second) => limiter.take('a', at(second)).allowed)).toEqual([true, true, true]);
    expect(limiter.take('a', at(20))).toEqual({ allowed: false, retryAfterSeconds: 40 });
    expect(limiter.take('b', at(20)).allowed).toBe(true);
    expect(limiter.take('a', at(60)).allowed).toBe(true);
  });

  it('keeps at most maxKeys windows however many keys it sees', () => {
    const limiter = new FixedWindowRateLimiter({ limit: 1, windowMs: 60_000 }, 100);
    for (let key = 0; key < 10_000; key += 1) limiter.take(`address-${key}`, at(0));
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
  });
});

describe('clientAddress', () => {
  it('takes the last X-Forwarded-For entry (the one the nearest proxy saw)', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '198.51.100.7, 203.0.113.4' }))).toBe(
      '203.0.113.4',
    );
    expect(clientAddress(new Headers({ 'x-forwarded-for': '::FFFF:127.0.0.1' }))).toBe('::ffff:127.0.0.1');
  });

  it('answers "unknown" for a missing or odd header rather than keying on attacker text', () => {
    expect(clientAddress(new Headers())).toBe('unknown');
    expect(clientAddress(new Headers({ 'x-forwarded-for': 'x'.repeat(100) }))).toBe('unknown');
    expect(clientAddress(new Headers({ 'x-forwarded-for': '<script>' }))).toBe('unknown');
  });
});
