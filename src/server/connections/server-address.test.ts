import { describe, expect, it } from 'vitest';
import { CalendarServiceUnavailableError } from '@/server/errors';
import type { AddressResolver } from '@/server/providers/caldav';
import { assertReachableServerAddress, UNREACHABLE_SERVER_MESSAGE } from './server-address';

const resolvesTo =
  (...addresses: string[]): AddressResolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('CalDAV server addresses typed at connect', () => {
  const strict = { policy: { allowLoopback: false } };

  it.each([
    'http://127.0.0.1:5232/',
    'http://localhost/',
    'https://10.1.2.3/dav',
    'https://192.168.1.10/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:5232/',
    'http://[fd00::1]/',
    'http://[::7f00:1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://198.18.0.1/',
  ])('refuses %s in production', async (url) => {
    const resolver = url.includes('localhost') ? resolvesTo('127.0.0.1', '::1') : undefined;
    await expect(assertReachableServerAddress(url, { ...strict, resolver })).rejects.toThrow(
      CalendarServiceUnavailableError,
    );
  });

  it('gives one message whether a name is private or mixed, so the form maps nothing', async () => {
    const outcomes = await Promise.all([
      assertReachableServerAddress('https://dav.example.org/', {
        ...strict,
        resolver: resolvesTo('203.0.113.7', '10.0.0.5'),
      }).catch((error: Error) => error.message),
      assertReachableServerAddress('https://dav.example.org/', {
        ...strict,
        resolver: resolvesTo('::ffff:127.0.0.1'),
      }).catch((error: Error) => error.message),
      assertReachableServerAddress('http://169.254.169.254/', strict).catch((error: Error) => error.message),
    ]);
    expect(outcomes).toEqual(Array(3).fill(UNREACHABLE_SERVER_MESSAGE));
  });

  it('leaves a name that does not resolve to the request, which fails with the same message', async () => {
    const failing: AddressResolver = async () => {
      throw new Error('ENOTFOUND');
    };
    await expect(
      assertReachableServerAddress('https://nowhere.invalid/', { ...strict, resolver: failing }),
    ).resolves.toBeUndefined();
  });

  it('accepts public servers', async () => {
    await expect(
      assertReachableServerAddress('https://caldav.fastmail.com/', {
        ...strict,
        resolver: resolvesTo('103.168.172.46'),
      }),
    ).resolves.toBeUndefined();
    await expect(assertReachableServerAddress('https://203.0.113.9/dav', strict)).resolves.toBeUndefined();
  });

  it('lets the demo and tests reach a server on loopback, but never a private network', async () => {
    const demo = { policy: { allowLoopback: true } };
    await expect(assertReachableServerAddress('http://127.0.0.1:5232/', demo)).resolves.toBeUndefined();
    await expect(assertReachableServerAddress('http://10.0.0.5:5232/', demo)).rejects.toThrow(
      CalendarServiceUnavailableError,
    );
  });
});
