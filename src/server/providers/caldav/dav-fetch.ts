import { errorFromStatus, errorFromThrown } from './errors';

/**
 * The `fetch` every CalDAV request goes through (tsdav takes it as its `fetch` option):
 * - adds Basic credentials;
 * - follows redirects itself, re-sending credentials only within the same site over a
 *   non-downgraded scheme: iCloud moves each account to a partition host (`pNN-caldav.icloud.com`),
 *   and fetch drops Authorization on cross-origin redirects;
 * - turns error answers and network failures into the typed provider errors, so tsdav's habit of
 *   returning failed responses as data never hides a 401 or a 412.
 */

export interface DavCredentials {
  username: string;
  password: string;
}

export interface DavFetchOptions {
  credentials: DavCredentials;
  /** Per-request timeout; a server that hangs counts as unavailable. */
  timeoutMs?: number;
  /** The underlying fetch (tests may observe requests); defaults to the global one. */
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;

export function createDavFetch(options: DavFetchOptions): typeof fetch {
  const baseFetch = options.fetch ?? fetch;
  const authorization = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const davFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const origin = url;
    const method = (init.method ?? 'GET').toUpperCase();
    const callerHandlesRedirects = init.redirect === 'manual';
    for (let hop = 0; ; hop += 1) {
      const headers = new Headers(init.headers);
      if (sameSite(origin, url)) headers.set('authorization', authorization);
      else headers.delete('authorization');
      let response: Response;
      try {
        response = await baseFetch(url, { ...init, headers, redirect: 'manual', signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw errorFromThrown(error, `${method} ${url.pathname}`);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location && !callerHandlesRedirects) {
        if (hop >= MAX_REDIRECTS) throw errorFromStatus(508, '', null, `${method} ${url.pathname}: too many redirects`);
        url = new URL(location, url);
        continue;
      }
      if (response.status >= 400) {
        const body = await response.text().catch(() => '');
        throw errorFromStatus(response.status, body, response.headers.get('retry-after'), `${method} ${url.pathname}`);
      }
      return response;
    }
  };
  return davFetch as typeof fetch;
}

/** Same host, or hosts sharing their last two labels (caldav.icloud.com → p42-caldav.icloud.com), no https → http. */
export function sameSite(from: URL, to: URL): boolean {
  if (from.protocol === 'https:' && to.protocol !== 'https:') return false;
  if (from.host === to.host) return true;
  if (from.port !== to.port) return false;
  const site = (host: string) => host.split('.').slice(-2).join('.');
  const isIp = /^[\d.]+$|:/.test(from.hostname);
  return !isIp && from.hostname.includes('.') && site(from.hostname) === site(to.hostname);
}
