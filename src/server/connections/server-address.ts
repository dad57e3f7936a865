import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { InvalidInputError } from '@/server/errors';

export type AddressLookup = (hostname: string) => Promise<{ address: string }[]>;

const defaultLookup: AddressLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

// Loopback, private, link-local (cloud metadata lives there), carrier-grade NAT and unspecified.
const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

function isInternal(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return internal.check(mapped, 'ipv4');
  return internal.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * A CalDAV server address is typed by a user, and the server fetches it: in production it must not
 * lead into the host's own network (loopback, private ranges, cloud metadata). The demo and the
 * tests run Radicale on loopback, so they allow it.
 */
export async function assertReachableServerAddress(
  serverUrl: string,
  options: { allowInternal: boolean; lookup?: AddressLookup },
): Promise<void> {
  if (options.allowInternal) return;
  const hostname = new URL(serverUrl).hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string }[];
  try {
    addresses = isIP(hostname) ? [{ address: hostname }] : await (options.lookup ?? defaultLookup)(hostname);
  } catch {
    throw new InvalidInputError(`The server ${hostname} could not be found. Check the address.`);
  }
  if (addresses.length === 0 || addresses.some(({ address }) => isInternal(address))) {
    throw new InvalidInputError('That server address points into a private network, which Tandem cannot connect to.');
  }
}
