import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalDavProvider } from './index';

/**
 * A calendar home as scheduling servers (RFC 6638) describe it: the schedule inbox and outbox sit
 * beside the calendars, the inbox even typed as a calendar of VEVENTs, and the default calendar is
 * named by schedule-default-calendar-URL, on the principal or on the inbox. Neither Radicale nor
 * Xandikos lists its boxes in the home, so a canned server plays one.
 */

type Variant = 'default-on-principal' | 'default-on-inbox' | 'inbox-named-only' | 'no-scheduling';
let variant: Variant = 'default-on-principal';
let server: Server;
let base: string;

const multistatus = (...responses: string[]) =>
  `<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">${responses.join('')}</d:multistatus>`;
const response = (href: string, props: string) =>
  `<d:response><d:href>${href}</d:href><d:propstat><d:prop>${props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
const events =
  '<c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set>';
const calendar = (href: string, name: string, extraType = '') =>
  response(
    href,
    `<d:resourcetype><d:collection/><c:calendar/>${extraType}</d:resourcetype><d:displayname>${name}</d:displayname>${events}`,
  );

function principalProps(): string {
  const home = '<c:calendar-home-set><d:href>/calendars/u/</d:href></c:calendar-home-set>';
  if (variant === 'no-scheduling') return home;
  const boxes =
    '<c:schedule-inbox-URL><d:href>/calendars/u/inbox/</d:href></c:schedule-inbox-URL><c:schedule-outbox-URL><d:href>/calendars/u/outbox/</d:href></c:schedule-outbox-URL>';
  const fallback =
    variant === 'default-on-principal'
      ? '<c:schedule-default-calendar-URL><d:href>/calendars/u/work/</d:href></c:schedule-default-calendar-URL>'
      : '';
  return `${home}${boxes}${fallback}`;
}

function homeListing(): string {
  const calendars = [
    response('/calendars/u/', '<d:resourcetype><d:collection/></d:resourcetype>'),
    calendar('/calendars/u/a-personal/', 'Personal'),
    calendar('/calendars/u/work/', 'Work'),
  ];
  if (variant === 'no-scheduling') return multistatus(...calendars);
  // The inbox is typed as a calendar of VEVENTs; only the principal's schedule-inbox-URL (or its
  // schedule-inbox type) tells it apart.
  const inboxType = variant === 'inbox-named-only' ? '' : '<c:schedule-inbox/>';
  return multistatus(
    ...calendars,
    calendar('/calendars/u/inbox/', 'Inbox', inboxType),
    calendar('/calendars/u/outbox/', 'Outbox', '<c:schedule-outbox/>'),
  );
}

beforeAll(async () => {
  server = createServer((request, reply) => {
    const path = request.url ?? '';
    const xml = (body: string) =>
      reply.writeHead(207, { 'content-type': 'application/xml; charset=utf-8' }).end(body);
    if (request.method !== 'PROPFIND' || path.startsWith('/.well-known/'))
      return void reply.writeHead(404).end();
    if (path === '/')
      return xml(
        multistatus(
          response(
            '/',
            '<d:current-user-principal><d:href>/principals/u/</d:href></d:current-user-principal>',
          ),
        ),
      );
    if (path === '/principals/u/') return xml(multistatus(response('/principals/u/', principalProps())));
    if (path === '/calendars/u/' && request.headers.depth === '1') return xml(homeListing());
    if (path === '/calendars/u/inbox/' && variant === 'default-on-inbox') {
      return xml(
        multistatus(
          response(
            path,
            '<c:schedule-default-calendar-URL><d:href>/calendars/u/work/</d:href></c:schedule-default-calendar-URL>',
          ),
        ),
      );
    }
    return xml(multistatus(response(path, '<d:supported-report-set/>')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function listed(which: Variant) {
  variant = which;
  const provider = createCalDavProvider({
    kind: 'caldav',
    serverUrl: base,
    username: 'u',
    password: 'p',
    addressPolicy: { allowLoopback: true },
  });
  return (await provider.listCalendars()).map((entry) => ({ name: entry.name, isPrimary: entry.isPrimary }));
}

describe('CalDAV calendar list with scheduling collections', () => {
  it.each(['default-on-principal', 'default-on-inbox'] as const)(
    'skips the inbox and outbox and makes the schedule-default-calendar-URL primary (%s)',
    async (which) => {
      expect(await listed(which)).toEqual([
        { name: 'Personal', isPrimary: false },
        { name: 'Work', isPrimary: true },
      ]);
    },
  );

  it('skips an inbox typed as a plain calendar when the principal names it', async () => {
    expect((await listed('inbox-named-only')).map((entry) => entry.name)).toEqual(['Personal', 'Work']);
  });

  it('without scheduling, the first calendar of the home is primary', async () => {
    expect(await listed('no-scheduling')).toEqual([
      { name: 'Personal', isPrimary: true },
      { name: 'Work', isPrimary: false },
    ]);
  });
});
