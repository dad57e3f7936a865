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
import { errorFromStatus, errorFromThrown } from './errors';
import { CalDavProvider } from './provider';

describe('CalDAV error mapping', () => {
  it.each([
    [401, '', null, ProviderAuthRevokedError],
    [403, '', null, ProviderAuthRevokedError],
    [403, '<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>', null, CursorExpiredError],
    [409, '<D:error xmlns:D="DAV:"><D:valid-sync-token/></D:error>', null, CursorExpiredError],
    [
      403,
      '<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:no-uid-conflict/></D:error>',
      null,
      ProviderBadRequestError,
    ],
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
    expect(errorFromThrown(new Error('Collection sync failed: Forbidden'), 'REPORT /x')).toBeInstanceOf(
      CursorExpiredError,
    );
    const typed = new ProviderConflictError('x', 412);
    expect(errorFromThrown(typed, 'PUT /x')).toBe(typed);
  });

  it('treats an unreadable cursor as expired', () => {
    expect(() => decodeCursor('garbage')).toThrow(CursorExpiredError);
    expect(() => decodeCursor('etags:!!!')).toThrow(CursorExpiredError);
    expect(decodeCursor('sync:http://radicale.org/ns/sync/abc')).toEqual({
      kind: 'sync',
      token: 'http://radicale.org/ns/sync/abc',
    });
  });
});

describe('CalDAV objects the server answers malformed', () => {
  let server: Server;
  let base: string;
  const objects: Record<string, string> = {
    '/cal/garbage.ics': 'this is not iCalendar',
    '/cal/no-start.ics': [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:no-start',
      'SUMMARY:Review',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n'),
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

  const provider = () =>
    new CalDavProvider({
      ...caldavConfig({ serverUrl: base, username: 'me@example.org', password: 'p' }),
      addressPolicy: { allowLoopback: true },
    });

  it('surfaces text that is not iCalendar as ProviderProtocolError', async () => {
    await expect(provider().getEvent(`${base}/cal/`, 'garbage.ics')).rejects.toBeInstanceOf(
      ProviderProtocolError,
    );
  });

  it('surfaces a VEVENT without DTSTART as ProviderProtocolError', async () => {
    await expect(provider().getEvent(`${base}/cal/`, 'no-start.ics')).rejects.toBeInstanceOf(
      ProviderProtocolError,
    );
  });
});
