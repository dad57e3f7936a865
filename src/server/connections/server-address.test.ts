import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@/server/errors';
import { assertReachableServerAddress, type AddressLookup } from './server-address';

const resolvesTo =
  (...addresses: string[]): AddressLookup =>
  async () =>
    addresses.map((address) => ({ address }));

describe('CalDAV server addresses in production', () => {
  const policy = { allowInternal: false };

  it.each([
    'http://127.0.0.1:5232/',
    'http://localhost/',
    'https://10.1.2.3/dav',
    'https://192.168.1.10/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:5232/',
    'http://[fd00::1]/',
  ])('refuses %s', async (url) => {
    const lookup = url.includes('localhost') ? resolvesTo('127.0.0.1', '::1') : undefined;
    await expect(assertReachableServerAddress(url, { ...policy, lookup })).rejects.toThrow(InvalidInputError);
  });

  it('refuses a public name that resolves to a private address (and any mix of the two)', async () => {
    await expect(
      assertReachableServerAddress('https://dav.example.org/', { ...policy, lookup: resolvesTo('203.0.113.7', '10.0.0.5') }),
    ).rejects.toThrow(/private network/);
    await expect(
      assertReachableServerAddress('https://dav.example.org/', { ...policy, lookup: resolvesTo('::ffff:127.0.0.1') }),
    ).rejects.toThrow(/private network/);
  });

  it('accepts public servers', async () => {
    await expect(
      assertReachableServerAddress('https://caldav.fastmail.com/', { ...policy, lookup: resolvesTo('103.168.172.46') }),
    ).resolves.toBeUndefined();
    await expect(assertReachableServerAddress('https://203.0.113.9/dav', policy)).resolves.toBeUndefined();
  });

  it('explains an unknown host', async () => {
    const failing: AddressLookup = async () => {
      throw new Error('ENOTFOUND');
    };
    await expect(assertReachableServerAddress('https://nowhere.invalid/', { ...policy, lookup: failing })).rejects.toThrow(
      /could not be found/,
    );
  });

  it('lets the demo and tests reach Radicale on loopback', async () => {
    await expect(assertReachableServerAddress('http://127.0.0.1:5232/', { allowInternal: true })).resolves.toBeUndefined();
  });
});
