import { fetch as undiciFetch, type Agent } from 'undici';
import { STRICT_ADDRESS_POLICY, type AddressPolicy } from './address-policy';
import { errorFromStatus, errorFromThrown } from './errors';
import { createGuardedAgent, type AddressResolver } from './guarded-agent';
import { ProviderBadRequestError } from '../errors';

/**
 * The `fetch` every CalDAV request goes through (tsdav takes it as its `fetch` option):
 * - sends requests only to the server the user gave (its origin, or for iCloud Apple's partition
 *   hosts), with their Basic credentials; an href or redirect pointing anywhere else is refused,
 *   so a server cannot make Tandem carry the credentials, or its own network position, elsewhere;
 * - connects through a dispatcher that checks every socket's address (guarded-agent.ts), on every
 *   hop, for connect-time and background requests alike;
 * - follows redirects itself, each hop checked, at most MAX_REDIRECTS of them;
 * - turns error answers and network failures into the typed provider errors, so tsdav's habit of
 *   returning failed responses as data never hides a 401 or a 412.
 */

export interface DavCredentials {
  username: string;
  password: string;
}

export interface DavFetchOptions {
  credentials: DavCredentials;
  /** The address the user gave: requests stay on its origin. */
  serverUrl: string;
  /** Hosts beyond that origin the account legitimately lives on (iCloud's `pNN-caldav.icloud.com`). */
  trustedHost?: (url: URL) => boolean;
  /** Which addresses sockets may connect to; strict (no loopback) unless told otherwise. */
  addressPolicy?: AddressPolicy;
  /** Resolves server names at connect time (tests inject one). */
  resolver?: AddressResolver;
  /** Per-request timeout; a server that hangs counts as unavailable. */
  timeoutMs?: number;
  /** The underlying fetch (tests may observe requests); it then bypasses the address guard. */
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;

export function createDavFetch(options: DavFetchOptions): typeof fetch {
  const baseFetch =
    options.fetch ?? guardedFetch(options.addressPolicy ?? STRICT_ADDRESS_POLICY, options.resolver);
  const authorization = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const origin = new URL(options.serverUrl).origin;
  const inScope = (url: URL) => url.origin === origin || (options.trustedHost?.(url) ?? false);

  const davFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const callerHandlesRedirects = init.redirect === 'manual';
    for (let hop = 0; ; hop += 1) {
      if (!inScope(url)) {
        throw new ProviderBadRequestError(
          `${method}: refused a request outside the server's own address (${url.origin})`,
        );
      }
      const headers = new Headers(init.headers);
      headers.set('authorization', authorization);
      let response: Response;
      try {
        response = await baseFetch(url, {
          ...init,
          headers,
          redirect: 'manual',
          signal: init.signal ?? AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw errorFromThrown(error, `${method} ${url.pathname}`);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location && !callerHandlesRedirects) {
        if (hop >= MAX_REDIRECTS)
          throw errorFromStatus(508, '', null, `${method} ${url.pathname}: too many redirects`);
        url = new URL(location, url);
        continue;
      }
      if (response.status >= 400) {
        const body = await response.text().catch(() => '');
        throw errorFromStatus(
          response.status,
          body,
          response.headers.get('retry-after'),
          `${method} ${url.pathname}`,
        );
      }
      return response;
    }
  };
  return davFetch as typeof fetch;
}

/** iCloud moves each account to a partition host (`pNN-caldav.icloud.com`), always over https. */
export function isIcloudHost(url: URL): boolean {
  return url.protocol === 'https:' && (url.hostname === 'icloud.com' || url.hostname.endsWith('.icloud.com'));
}

// One connection pool per policy for the system resolver; an injected resolver gets its own.
const sharedAgents = new Map<boolean, Agent>();

function guardedFetch(policy: AddressPolicy, resolver: AddressResolver | undefined): typeof fetch {
  const agent = resolver
    ? createGuardedAgent(policy, resolver)
    : (sharedAgents.get(policy.allowLoopback) ??
      sharedAgents.set(policy.allowLoopback, createGuardedAgent(policy)).get(policy.allowLoopback)!);
  return ((input: URL, init: RequestInit) =>
    undiciFetch(input, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: agent,
    })) as unknown as typeof fetch;
}
