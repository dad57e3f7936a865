import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../errors';
import { decodeCursor } from './collection-sync';
import { caldavConfig } from './config';
import { createDavFetch, sameSite } from './dav-fetch';
import { errorFromStatus, errorFromThrown } from './errors';
import { CalDavProvider } from './provider';

describe('CalDAV error mapping', () => {
  it.each([
    [401, '', null, ProviderAuthRevokedError],
    [403, '', null, ProviderAuthRevokedError],
    [403, '<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>', null, CursorExpiredError],
    [409, '<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>', null, CursorExpiredError],
    [403, '<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:no-uid-conflict/></D:error>', null, ProviderBadRequestError],
    [404, '', null, ProviderNotFoundError],
    [410, '', null, ProviderNotFoundError],
    [409, '', null, ProviderConflictError],
    [412, '', null, ProviderConflictError],
    [429, '', '7', ProviderRateLimitedError],
    [503, '', '120', ProviderRateLimitedError],
    [503, '', null, ProviderUnavailableError],
    [500, '', null, ProviderUnavailableError],
    [400, '', null, ProviderBadRequestError],
  ])('%i %s → %o', (status, body, retryAfter, type) => {
    const error = errorFromStatus(status, body, retryAfter, 'PUT /x');
    expect(error).toBeInstanceOf(type);
    expect(error.status).toBe(status);
  });

  it('keeps Retry-After in milliseconds', () => {
    const error = errorFromStatus(429, '', '7', 'REPORT /x');
    expect(error instanceof ProviderRateLimitedError && error.retryAfterMs).toBe(7000);
  });

  it('maps network failures to unavailable and tsdav’s sync failure to an expired cursor', () => {
    expect(errorFromThrown(new TypeError('fetch failed'), 'GET /x')).toBeInstanceOf(ProviderUnavailableError);
    expect(errorFromThrown(new Error('Collection sync failed: Forbidden'), 'REPORT /x')).toBeInstanceOf(CursorExpiredError);
    const typed = new ProviderConflictError('x', 412);
    expect(errorFromThrown(typed, 'PUT /x')).toBe(typed);
  });

  it('treats an unreadable cursor as expired', () => {
    expect(() => decodeCursor('garbage')).toThrow(CursorExpiredError);
    expect(() => decodeCursor('etags:!!!')).toThrow(CursorExpiredError);
    expect(decodeCursor('sync:http://radicale.org/ns/sync/abc')).toEqual({ kind: 'sync', token: 'http://radicale.org/ns/sync/abc' });
  });
});

describe('CalDAV fetch', () => {
  let server: Server;
  let base: string;
  const seen: { path: string; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
      if (request.url === '/moved') {
        response.writeHead(301, { location: '/home/' }).end();
      } else if (request.url === '/elsewhere') {
        response.writeHead(302, { location: 'http://localhost.localdomain.invalid/' }).end();
      } else if (request.url === '/busy') {
        response.writeHead(429, { 'retry-after': '3' }).end();
      } else if (request.url === '/home/') {
        response.writeHead(request.headers.authorization ? 207 : 401, { 'content-type': 'application/xml' }).end('<multistatus xmlns="DAV:"/>');
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const davFetch = () => createDavFetch({ credentials: { username: 'u', password: 'p' } });

  it('follows redirects on the same host with the credentials', async () => {
    const response = await davFetch()(`${base}/moved`, { method: 'PROPFIND' });
    expect(response.status).toBe(207);
    expect(seen.filter((entry) => entry.path === '/home/').at(-1)?.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('hands 3xx to callers that handle redirects themselves (tsdav discovery)', async () => {
    const response = await davFetch()(`${base}/moved`, { method: 'PROPFIND', redirect: 'manual' });
    expect(response.status).toBe(301);
  });

  it('throws typed errors for error answers and unreachable servers', async () => {
    await expect(davFetch()(`${base}/missing`)).rejects.toBeInstanceOf(ProviderNotFoundError);
    const busy = await davFetch()(`${base}/busy`).catch((error: unknown) => error);
    expect(busy instanceof ProviderRateLimitedError && busy.retryAfterMs).toBe(3000);
    await expect(davFetch()('http://127.0.0.1:9/')).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('re-sends credentials only within the same site and never from https to http', () => {
    expect(sameSite(new URL('https://caldav.icloud.com/'), new URL('https://p42-caldav.icloud.com/123/'))).toBe(true);
    expect(sameSite(new URL('https://caldav.icloud.com/'), new URL('http://p42-caldav.icloud.com/'))).toBe(false);
    expect(sameSite(new URL('https://caldav.icloud.com/'), new URL('https://evil.example/'))).toBe(false);
    expect(sameSite(new URL('http://127.0.0.1:5232/'), new URL('http://127.0.0.2:5232/'))).toBe(false);
  });
});

describe('CalDAV objects the server answers malformed', () => {
  let server: Server;
  let base: string;
  const objects: Record<string, string> = {
    '/cal/garbage.ics': 'this is not iCalendar',
    '/cal/no-start.ics': ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:no-start', 'SUMMARY:Review', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const body = request.method === 'GET' ? objects[request.url ?? ''] : undefined;
      if (body === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'text/calendar', etag: '"e1"' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const provider = () => new CalDavProvider(caldavConfig({ serverUrl: base, username: 'me@example.org', password: 'p' }));

  it('surfaces text that is not iCalendar as ProviderProtocolError', async () => {
    await expect(provider().getEvent(`${base}/cal/`, 'garbage.ics')).rejects.toBeInstanceOf(ProviderProtocolError);
  });

  it('surfaces a VEVENT without DTSTART as ProviderProtocolError', async () => {
    await expect(provider().getEvent(`${base}/cal/`, 'no-start.ics')).rejects.toBeInstanceOf(ProviderProtocolError);
  });
});
