import { basicAuth, startRadicale } from '../../../../tests/support/radicale';
import type { ContractAccount, ContractHarness } from '../contract/harness';
import { runProviderContract } from '../contract/suite';
import type { ProviderEvent } from '../types';
import { parseEventId } from './ids';
import { createCalDavProvider } from './index';

/**
 * The shared contract against a real Radicale (no server scheduling: invitations are not
 * delivered, so the attendee's copy is put there by hand, as an imported iMIP invitation would be).
 */

const ORGANIZER = { username: 'organizer@example.org', password: 'organizer-secret' };
const ATTENDEE = { username: 'attendee@example.org', password: 'attendee-secret' };
const PAGE_SIZE = 5;

runProviderContract('caldav (Radicale)', async (): Promise<ContractHarness> => {
  const radicale = await startRadicale({ users: [ORGANIZER, ATTENDEE] });
  const account = (user: typeof ORGANIZER): ContractAccount => ({
    provider: createCalDavProvider({
      kind: 'caldav',
      serverUrl: radicale.url,
      username: user.username,
      password: user.password,
      email: user.username,
      pageSize: PAGE_SIZE,
      addressPolicy: { allowLoopback: true },
    }),
    email: user.username,
    calendarId: radicale.calendarUrl(user.username),
  });
  const organizer = account(ORGANIZER);
  const attendee = account(ATTENDEE);

  const request = async (user: typeof ORGANIZER, url: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(url, { ...init, headers: { ...init.headers, authorization: basicAuth(user) } });
    if (!response.ok) throw new Error(`${init.method} ${url}: ${response.status}`);
    return response;
  };

  return {
    organizer,
    attendee,
    deliversInvitations: false,
    pageSize: PAGE_SIZE,
    async expireCursors() {
      await radicale.forgetSyncTokens();
      // Radicale accepts a token equal to the collection's current state without looking it up,
      // so change the collection too (an event far outside every window the suite reads).
      const uid = `expire-${crypto.randomUUID()}`;
      await request(ORGANIZER, `${organizer.calendarId}${uid}.ics`, {
        method: 'PUT',
        headers: { 'content-type': 'text/calendar' },
        body: ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//contract//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:19900101T000000Z', 'DTSTART:19900101T100000Z', 'DTEND:19900101T110000Z', 'SUMMARY:cursor breaker', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
      });
    },
    async copyToAttendee(event: ProviderEvent) {
      const { objectName } = parseEventId(event.externalId);
      const source = await request(ORGANIZER, `${organizer.calendarId}${encodeURIComponent(objectName)}`, { method: 'GET' });
      await request(ATTENDEE, `${attendee.calendarId}${encodeURIComponent(objectName)}`, {
        method: 'PUT',
        headers: { 'content-type': 'text/calendar', 'if-none-match': '*' },
        body: await source.text(),
      });
      return objectName;
    },
    close: () => radicale.close(),
  };
});
