import { basicAuth, startRadicale } from '@/tests/support/radicale';
import { startXandikos } from '@/tests/support/xandikos';
import type { ContractAccount, ContractHarness } from '../contract/harness';
import { runProviderContract } from '../contract/suite';
import type { ProviderEvent } from '../types';
import { parseEventId } from './ids';
import { createCalDavProvider } from './index';

/**
 * The shared contract against real CalDAV servers: Radicale and Xandikos. Neither schedules, so
 * invitations are not delivered and the attendee's copy is put there by hand, as an imported iMIP
 * invitation would be. They differ where servers in the wild differ (PROVIDERS.md): an unknown
 * sync-token is a 403 from Radicale and a 500 from Xandikos; Xandikos has no authentication.
 */

const ORGANIZER = { username: 'organizer@example.org', password: 'organizer-secret' };
const ATTENDEE = { username: 'attendee@example.org', password: 'attendee-secret' };
const PAGE_SIZE = 5;
type User = typeof ORGANIZER;

/** One CalDAV server as the contract needs it, whichever server it is. */
interface CalDavServer {
  serverUrl(user: User): string;
  calendarUrl(user: User): string;
  /** Makes every sync-token issued so far unknown to the server. */
  forgetSyncTokens(): Promise<void>;
  close(): Promise<void>;
}

function harnessOn(server: CalDavServer): ContractHarness {
  const account = (user: User): ContractAccount => ({
    provider: createCalDavProvider({
      kind: 'caldav',
      serverUrl: server.serverUrl(user),
      username: user.username,
      password: user.password,
      email: user.username,
      pageSize: PAGE_SIZE,
      addressPolicy: { allowLoopback: true },
    }),
    email: user.username,
    calendarId: server.calendarUrl(user),
  });
  const organizer = account(ORGANIZER);
  const attendee = account(ATTENDEE);

  const request = async (user: User, url: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(url, {
      ...init,
      headers: { ...init.headers, authorization: basicAuth(user) },
    });
    if (!response.ok) throw new Error(`${init.method} ${url}: ${response.status}`);
    return response;
  };

  return {
    organizer,
    attendee,
    deliversInvitations: false,
    pageSize: PAGE_SIZE,
    async expireCursors() {
      // Both servers accept a token equal to the collection's current state whatever they
      // forgot, so change the collection too (an event far outside every window the suite reads).
      const uid = `expire-${crypto.randomUUID()}`;
      await request(ORGANIZER, `${organizer.calendarId}${uid}.ics`, {
        method: 'PUT',
        headers: { 'content-type': 'text/calendar' },
        body: [
          'BEGIN:VCALENDAR',
          'VERSION:2.0',
          'PRODID:-//contract//EN',
          'BEGIN:VEVENT',
          `UID:${uid}`,
          'DTSTAMP:19900101T000000Z',
          'DTSTART:19900101T100000Z',
          'DTEND:19900101T110000Z',
          'SUMMARY:cursor breaker',
          'END:VEVENT',
          'END:VCALENDAR',
          '',
        ].join('\r\n'),
      });
      await server.forgetSyncTokens();
    },
    async copyToAttendee(event: ProviderEvent) {
      const { objectName } = parseEventId(event.externalId);
      const source = await request(ORGANIZER, `${organizer.calendarId}${encodeURIComponent(objectName)}`, {
        method: 'GET',
      });
      await request(ATTENDEE, `${attendee.calendarId}${encodeURIComponent(objectName)}`, {
        method: 'PUT',
        headers: { 'content-type': 'text/calendar', 'if-none-match': '*' },
        body: await source.text(),
      });
      return objectName;
    },
    close: () => server.close(),
  };
}

runProviderContract('caldav (Radicale)', async () => {
  const radicale = await startRadicale({ users: [ORGANIZER, ATTENDEE] });
  return harnessOn({
    serverUrl: () => radicale.url,
    calendarUrl: (user) => radicale.calendarUrl(user.username),
    forgetSyncTokens: () => radicale.forgetSyncTokens(),
    close: () => radicale.close(),
  });
});

runProviderContract('caldav (Xandikos)', async () => {
  const xandikos = await startXandikos({ users: [ORGANIZER, ATTENDEE] });
  return harnessOn({
    serverUrl: (user) => xandikos.serverUrl(user.username),
    calendarUrl: (user) => xandikos.calendarUrl(user.username),
    forgetSyncTokens: () => xandikos.forgetSyncTokens(),
    close: () => xandikos.close(),
  });
});
