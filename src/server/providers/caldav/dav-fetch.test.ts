import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ProviderBadRequestError,
  ProviderError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../errors';
import { createDavFetch, isIcloudHost } from './dav-fetch';
import { RefusedAddressError, type AddressResolver } from './guarded-agent';
import { createCalDavProvider } from './index';

/**
 * The request guard on real sockets: local HTTP servers on loopback stand in for CalDAV servers,
 * and an injected resolver plays DNS (so a name can "rebind" to another address between hops).
 */

interface Seen {
  path: string;
  host: string | undefined;
  authorization: string | undefined;
}

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    seen.push({
      path: request.url ?? '',
      host: request.headers.host,
      authorization: request.headers.authorization,
    });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

/** Refused by the address guard itself, not by the network (whose errors look the same outside). */
function refusedByGuard(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause)
    if (cause instanceof RefusedAddressError) return true;
  return false;
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const BASIC = `Basic ${Buffer.from('u:p').toString('base64')}`;
const credentials = { username: 'u', password: 'p' };
const demo = { allowLoopback: true };
const strict = { allowLoopback: false };

let origin: Awaited<ReturnType<typeof listen>>;
let other: Awaited<ReturnType<typeof listen>>;
let base: string;
let otherBase: string;

beforeAll(async () => {
  other = await listen((request, response) => {
    // Would answer like a CalDAV principal if asked: nothing must ever ask it.
    response.writeHead(207, { 'content-type': 'application/xml' }).end('<multistatus xmlns="DAV:"/>');
  });
  otherBase = `http://127.0.0.1:${other.port}`;
  origin = await listen((request, response) => {
    const path = request.url ?? '';
    if (path === '/moved') response.writeHead(301, { location: '/home/' }).end();
    else if (path === '/to-metadata')
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else if (path === '/to-other-origin') response.writeHead(307, { location: `${otherBase}/home/` }).end();
    else if (path === '/loop') response.writeHead(302, { location: '/loop' }).end();
    // A fresh socket for the next hop, so its name is resolved again.
    else if (path === '/rebind') response.writeHead(302, { location: '/home/', connection: 'close' }).end();
    else if (path === '/busy') response.writeHead(429, { 'retry-after': '3' }).end();
    else if (path === '/home/')
      response
        .writeHead(request.headers.authorization ? 207 : 401, { 'content-type': 'application/xml' })
        .end('<multistatus xmlns="DAV:"/>');
    else if (request.method === 'PROPFIND' && path === '/') {
      // A principal on another origin: following it would hand that origin the credentials.
      response
        .writeHead(207, { 'content-type': 'application/xml' })
        .end(
          `<d:multistatus xmlns:d="DAV:"><d:response><d:href>/</d:href><d:propstat><d:prop><d:current-user-principal><d:href>${otherBase}/principals/u/</d:href></d:current-user-principal></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>`,
        );
    } else response.writeHead(404).end();
  });
  base = `http://127.0.0.1:${origin.port}`;
});
afterAll(async () => {
  await Promise.all([close(origin.server), close(other.server)]);
});

const davFetch = (serverUrl = base, policy = demo, resolver?: AddressResolver) =>
  createDavFetch({ credentials, serverUrl, addressPolicy: policy, ...(resolver ? { resolver } : {}) });

describe('CalDAV fetch', () => {
  it('follows redirects on the same origin with the credentials', async () => {
    const response = await davFetch()(`${base}/moved`, { method: 'PROPFIND' });
    expect(response.status).toBe(207);
    expect(origin.seen.filter((entry) => entry.path === '/home/').at(-1)?.authorization).toBe(BASIC);
  });

  it('hands 3xx to callers that handle redirects themselves (tsdav discovery)', async () => {
    const response = await davFetch()(`${base}/moved`, { method: 'PROPFIND', redirect: 'manual' });
    expect(response.status).toBe(301);
  });

  it('throws typed errors for error answers and unreachable servers', async () => {
    await expect(davFetch()(`${base}/missing`)).rejects.toBeInstanceOf(ProviderNotFoundError);
    const busy = await davFetch()(`${base}/busy`).catch((error: unknown) => error);
    expect(busy instanceof ProviderRateLimitedError && busy.retryAfterMs).toBe(3000);
    await expect(davFetch('http://127.0.0.1:9/')('http://127.0.0.1:9/')).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it('refuses a redirect to cloud metadata or to another origin, and caps redirect chains', async () => {
    await expect(davFetch()(`${base}/to-metadata`, { method: 'PROPFIND' })).rejects.toBeInstanceOf(
      ProviderBadRequestError,
    );
    await expect(davFetch()(`${base}/to-other-origin`, { method: 'PROPFIND' })).rejects.toBeInstanceOf(
      ProviderBadRequestError,
    );
    expect(other.seen).toEqual([]);
    const before = origin.seen.filter((entry) => entry.path === '/loop').length;
    await expect(davFetch()(`${base}/loop`)).rejects.toBeInstanceOf(ProviderError);
    expect(origin.seen.filter((entry) => entry.path === '/loop').length - before).toBe(6);
  });

  it('never sends a request, with or without credentials, outside the origin the user gave', async () => {
    await expect(davFetch()(`${otherBase}/principals/u/`, { method: 'PROPFIND' })).rejects.toBeInstanceOf(
      ProviderBadRequestError,
    );
    expect(other.seen).toEqual([]);
  });

  it('trusts Apple’s partition hosts for iCloud only over https', () => {
    expect(isIcloudHost(new URL('https://p42-caldav.icloud.com/123/'))).toBe(true);
    expect(isIcloudHost(new URL('http://p42-caldav.icloud.com/'))).toBe(false);
    expect(isIcloudHost(new URL('https://icloud.com.evil.example/'))).toBe(false);
    expect(isIcloudHost(new URL('https://evilicloud.com/'))).toBe(false);
  });
});

describe('the address check at socket connect', () => {
  it('connects through the resolver it was given: the address used is the address checked', async () => {
    const resolver: AddressResolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const serverUrl = `http://dav.example.test:${origin.port}/`;
    const response = await davFetch(serverUrl, demo, resolver)(`${serverUrl}home/`, { method: 'PROPFIND' });
    expect(response.status).toBe(207);
    expect(origin.seen.at(-1)).toMatchObject({ path: '/home/', host: `dav.example.test:${origin.port}` });
  });

  it('refuses, in production, a public-looking name that resolves to loopback at fetch time', async () => {
    const resolver: AddressResolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const serverUrl = `http://dav.example.test:${origin.port}/`;
    const before = origin.seen.length;
    const error = await davFetch(
      serverUrl,
      strict,
      resolver,
    )(`${serverUrl}home/`, { method: 'PROPFIND' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(refusedByGuard(error)).toBe(true);
    expect(origin.seen.length).toBe(before);
  });

  it('refuses literal loopback addresses in production, in every spelling', async () => {
    const before = origin.seen.length;
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]']) {
      const serverUrl = `http://${host}:${origin.port}/`;
      const error = await davFetch(serverUrl, strict)(`${serverUrl}home/`).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(refusedByGuard(error)).toBe(true);
    }
    expect(origin.seen.length).toBe(before);
  });

  it('checks every hop: a name that rebinds to a private address after the first hop is refused', async () => {
    const answers = ['127.0.0.1', '10.0.0.7'];
    const resolver: AddressResolver = async () => [{ address: answers.shift() ?? '10.0.0.7', family: 4 }];
    const serverUrl = `http://rebind.example.test:${origin.port}/`;
    const error = await davFetch(
      serverUrl,
      demo,
      resolver,
    )(`${serverUrl}rebind`, { method: 'PROPFIND' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(refusedByGuard(error)).toBe(true);
    expect(origin.seen.at(-1)?.path).toBe('/rebind');
  });
});

describe('the CalDAV adapter and hrefs the server returns', () => {
  it('refuses a principal on another origin, which never sees the credentials', async () => {
    const provider = createCalDavProvider({
      kind: 'caldav',
      serverUrl: `${base}/`,
      ...credentials,
      addressPolicy: demo,
    });
    await expect(provider.listCalendars()).rejects.toBeInstanceOf(ProviderError);
    expect(origin.seen.some((entry) => entry.path === '/' && entry.authorization === BASIC)).toBe(true);
    expect(other.seen.filter((entry) => entry.authorization)).toEqual([]);
    expect(other.seen).toEqual([]);
  });
});
