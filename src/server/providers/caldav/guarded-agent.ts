import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isAllowedAddress, type AddressPolicy } from './address-policy';

/** Name → addresses, as `dns.lookup(name, { all: true })` answers; tests inject their own. */
export type AddressResolver = (hostname: string) => Promise<LookupAddress[]>;

/** A connection the address policy refused. Deliberately says nothing about why. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly code = 'ERR_TANDEM_ADDRESS_REFUSED';
  constructor() {
    super('the server address is not reachable');
  }
}

export const systemResolver: AddressResolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/**
 * An HTTP dispatcher that checks the address of every socket it opens, at connect time: the
 * address the socket really uses is the one checked, so a name that resolves differently between
 * a check and the request (DNS rebinding) cannot slip through, and every redirect hop and every
 * background poll is covered because they all open their sockets here.
 */
export function createGuardedAgent(policy: AddressPolicy, resolver: AddressResolver = systemResolver): Agent {
  const lookup = guardedLookup(policy, resolver);
  const connector = buildConnector({ lookup } as buildConnector.BuildOptions);
  return new Agent({
    connect(options, callback) {
      const hostname = options.hostname.replace(/^\[|\]$/g, '');
      // Node skips `lookup` for literal addresses, so those are checked here.
      if (isIP(hostname) && !isAllowedAddress(hostname, policy)) {
        callback(new RefusedAddressError(), null);
        return;
      }
      connector(options, callback);
    },
  });
}

/**
 * A `lookup` for Node's sockets that refuses names resolving to an address the policy refuses
 * (the EWS client's HTTP library takes it too). Literal addresses never reach a lookup: check those
 * at the request.
 */
export function guardedLookup(
  policy: AddressPolicy,
  resolver: AddressResolver = systemResolver,
): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname).then(
      (found) => {
        const wanted =
          options.family === 4 || options.family === 6
            ? found.filter((entry) => entry.family === options.family)
            : found;
        // One refused address refuses the name: which of them the socket picks is not ours to steer.
        if (wanted.length === 0 || wanted.some((entry) => !isAllowedAddress(entry.address, policy))) {
          callback(new RefusedAddressError(), '', 0);
          return;
        }
        if (options.all)
          (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
