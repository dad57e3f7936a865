/**
 * Fidelity across the two emulators, on the demo seed, over real SMTP: each emulator's relay is
 * the other's inbound listener (standing in for the mail exchange). A Gmail organiser invites an
 * Outlook.com attendee: Google emails the REQUEST (sendUpdates=all), Exchange files it as not
 * responded; the attendee declines in Outlook with a comment: Exchange emails the REPLY, Google
 * shows it on the organiser's event (RFC 6047 transport, RFC 5546 REQUEST / REPLY).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulator } from '../google/server';
import { startMicrosoftEmulator, type MicrosoftEmulator } from '../microsoft/server';
import { graphFetch, signIn } from '../microsoft/test-client';

const SAM = 'sam.taylor@gmail.test';
const AISHA = 'aisha.khan@outlook.test';

let google: GoogleEmulator;
let microsoft: MicrosoftEmulator;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const [googleSmtp, microsoftSmtp] = [await freePort(), await freePort()];
  google = await startGoogleEmulator({
    port: 0,
    smtpPort: googleSmtp,
    relayUrl: `smtp://127.0.0.1:${microsoftSmtp}`,
  });
  microsoft = await startMicrosoftEmulator({
    port: 0,
    smtpPort: microsoftSmtp,
    relayUrl: `smtp://127.0.0.1:${googleSmtp}`,
  });
});
afterAll(async () => {
  await google.close();
  await microsoft.close();
});

it('a Gmail invitation reaches Outlook.com, and the decline with its comment comes back to Google', async () => {
  const samToken = google.control.tokensFor(SAM).access_token;
  const created = await fetch(`${google.url}/calendar/v3/calendars/primary/events?sendUpdates=all`, {
    method: 'POST',
    headers: { authorization: `Bearer ${samToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      summary: 'CV check',
      start: { dateTime: '2031-03-04T10:00:00Z', timeZone: 'Europe/London' },
      end: { dateTime: '2031-03-04T10:30:00Z', timeZone: 'Europe/London' },
      attendees: [{ email: AISHA, displayName: 'Aisha Khan' }],
    }),
  });
  expect(created.status).toBe(200);
  const event = (await created.json()) as { id: string; iCalUID: string };
  await google.control.mailIdle();

  const aisha = (await signIn(microsoft.url, AISHA)).access_token;
  const window = 'startDateTime=2031-03-04T00:00:00Z&endDateTime=2031-03-05T00:00:00Z';
  const view = (await (await graphFetch(microsoft.url, aisha, `/me/calendarView?${window}`)).json()) as {
    value: { id: string; iCalUId: string; responseStatus: { response: string }; organizer: unknown }[];
  };
  expect(view.value).toHaveLength(1);
  expect(view.value[0]).toMatchObject({
    iCalUId: event.iCalUID,
    responseStatus: { response: 'notResponded' },
    organizer: { emailAddress: { address: SAM, name: 'Sam Taylor' } },
  });

  const declined = await graphFetch(microsoft.url, aisha, `/me/events/${view.value[0]?.id ?? ''}/decline`, {
    method: 'POST',
    json: { comment: 'I am at work then', sendResponse: true },
  });
  expect(declined.status).toBe(202);
  await microsoft.mailIdle();

  const stored = (await (
    await fetch(`${google.url}/calendar/v3/calendars/primary/events/${event.id}`, {
      headers: { authorization: `Bearer ${samToken}` },
    })
  ).json()) as { attendees: unknown[] };
  expect(stored.attendees).toContainEqual({
    email: AISHA,
    displayName: 'Aisha Khan',
    responseStatus: 'declined',
    comment: 'I am at work then',
  });
});
