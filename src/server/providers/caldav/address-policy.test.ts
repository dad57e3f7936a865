import { describe, expect, it } from 'vitest';
import { classifyAddress, isAllowedAddress } from './address-policy';

describe('CalDAV address policy', () => {
  it.each([
    // IPv4 ranges that lead into the host's own network, or nowhere sensible.
    '0.0.0.0',
    '10.1.2.3',
    '100.64.0.1',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.168.1.10',
    '198.18.0.1',
    '198.19.255.254',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    // IPv6 private, link-local, multicast, unspecified.
    '::',
    'fd00::1',
    'fe80::1',
    'fec0::1',
    'ff02::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '64:ff9b:1::a00:1',
    // IPv6 forms embedding a blocked IPv4 address.
    '::ffff:10.0.0.5',
    '::ffff:169.254.169.254',
    '::a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '2002:a9fe:a9fe::',
    '2002:c0a8:101::1',
    'not an address',
  ])('blocks %s', (address) => {
    expect(classifyAddress(address)).toBe('blocked');
    expect(isAllowedAddress(address, { allowLoopback: true })).toBe(false);
  });

  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::7f00:1',
    '::127.0.0.1',
    '64:ff9b::7f00:1',
    '64:ff9b::127.0.0.1',
    '2002:7f00:1::',
    '0:0:0:0:0:0:0:1',
  ])('treats %s as loopback: refused in production, allowed for the demo', (address) => {
    expect(classifyAddress(address)).toBe('loopback');
    expect(isAllowedAddress(address, { allowLoopback: false })).toBe(false);
    expect(isAllowedAddress(address, { allowLoopback: true })).toBe(true);
  });

  it.each([
    '203.0.113.9',
    '103.168.172.46',
    '8.8.8.8',
    '2a00:1450:4009:81f::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public address %s', (address) => {
    expect(classifyAddress(address)).toBe('public');
    expect(isAllowedAddress(address, { allowLoopback: false })).toBe(true);
  });
});
