import { BlockList, isIP } from 'node:net';

/**
 * Which network addresses a CalDAV request may connect to. A CalDAV server address is typed by a
 * user and fetched by Tandem's server, so it must never lead into the host's own network: private
 * ranges, cloud metadata (link-local), loopback, multicast and the reserved blocks, including the
 * IPv6 forms that embed one of those IPv4 addresses (mapped, compatible, NAT64, 6to4). The demo and
 * the tests run Radicale and Xandikos on loopback, so loopback alone can be allowed; production never.
 */

export interface AddressPolicy {
  /** Demo and tests only: 127.0.0.0/8 and ::1 become reachable. Everything else stays refused. */
  allowLoopback: boolean;
}

export const STRICT_ADDRESS_POLICY: AddressPolicy = { allowLoopback: false };

export type AddressClass = 'public' | 'loopback' | 'blocked';

const blockedV4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local: cloud metadata lives here
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
] as const) {
  blockedV4.addSubnet(network, prefix, 'ipv4');
}
const loopbackV4 = new BlockList();
loopbackV4.addSubnet('127.0.0.0', 8, 'ipv4');

const blockedV6 = new BlockList();
for (const [network, prefix] of [
  ['64:ff9b:1::', 48], // local-use NAT64: whatever it translates to is local
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: tunnels to an IPv4 address we cannot vouch for
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some)
  ['ff00::', 8], // multicast
] as const) {
  blockedV6.addSubnet(network, prefix, 'ipv6');
}

/** Classifies one IP address (v4 or v6, brackets allowed). Anything unreadable is blocked. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return classifyV4(bare);
  if (version !== 6) return 'blocked';
  const bytes = ipv6Bytes(bare);
  if (!bytes) return 'blocked';
  const embedded = embeddedV4(bytes);
  if (embedded) return classifyV4(embedded);
  if (bytes.every((byte, index) => byte === (index === 15 ? 1 : 0))) return 'loopback';
  return blockedV6.check(bare, 'ipv6') ? 'blocked' : 'public';
}

export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  const kind = classifyAddress(address);
  return kind === 'public' || (kind === 'loopback' && policy.allowLoopback);
}

function classifyV4(address: string): AddressClass {
  if (loopbackV4.check(address, 'ipv4')) return 'loopback';
  return blockedV4.check(address, 'ipv4') ? 'blocked' : 'public';
}

/**
 * The IPv4 address an IPv6 address stands for, where it stands for one: IPv4-mapped
 * (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, which also covers `::` and `::1` as 0.0.0.x),
 * NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::`).
 */
function embeddedV4(bytes: number[]): string | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  const quad = (from: number) => bytes.slice(from, from + 4).join('.');
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return quad(12);
  // ::1 is IPv6 loopback in its own right; the other compatible forms embed an IPv4 address.
  if (zeros(0, 12) && !(zeros(12, 15) && bytes[15] === 1)) return quad(12);
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12))
    return quad(12);
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return quad(2);
  return null;
}

/** The 16 bytes of an IPv6 address (already known to be valid by `isIP`), dotted tail included. */
function ipv6Bytes(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const words = [...left, ...Array<string>(missing).fill('0'), ...right].map((group) =>
    Number.parseInt(group, 16),
  );
  if (words.some((word) => !Number.isInteger(word) || word < 0 || word > 0xffff)) return null;
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}
