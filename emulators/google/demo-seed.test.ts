/**
 * The demo seed (emulators/seed/demo.json) as the Google emulator loads it: every personal Gmail
 * account of the demo people (and no one hosted by Microsoft) with its calendar, events this week and next relative to now, invitations already in
 * the guests' calendars; POST /__control/seed replaces it and /__control/reset brings it back.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GoogleEmulator, startGoogleEmulator } from './server';

let emulator: GoogleEmulator;

beforeAll(async () => {
  emulator = await startGoogleEmulator({ port: 0 });
});
afterAll(async () => emulator.close());

async function list(
  email: string,
  query: string,
): Promise<{
  items: {
    summary?: string;
    start: { dateTime?: string; date?: string };
    attendees?: { email: string; responseStatus: string; self?: boolean }[];
  }[];
}> {
  const token = emulator.control.tokensFor(email).access_token;
  const response = await fetch(`${emulator.url}/calendar/v3/calendars/primary/events?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Awaited<ReturnType<typeof list>>;
}

describe('demo seed', () => {
  const accounts = ['daniel.okafor@gmail.test', 'sam.taylor@gmail.test', 'mia.chen@gmail.test'];
  const monday = DateTime.now().setZone('Europe/London').startOf('week');
  const window = `timeMin=${encodeURIComponent(monday.toISO() ?? '')}&timeMax=${encodeURIComponent(monday.plus({ weeks: 2 }).toISO() ?? '')}`;

  it('hosts each Gmail address only: Microsoft 365 and Outlook.com people live in the other emulator', () => {
    for (const email of [
      'priya.shah@northbridge-college.test',
      'aisha.khan@outlook.test',
      'admin@northbridge.test',
    ])
      expect(() => emulator.control.tokensFor(email), email).toThrow(/no emulated Google account/);
  });

  it('gives every Gmail account a calendar with events this week and next', async () => {
    for (const email of accounts) {
      const { items } = await list(email, `${window}&singleEvents=true&orderBy=startTime`);
      expect(items.length, email).toBeGreaterThan(0);
    }
  });

  it('has delivered seeded invitations to the guests, awaiting their answer', async () => {
    const { items } = await list('mia.chen@gmail.test', `${window}&singleEvents=true`);
    const review = items.find((item) => item.summary === 'Study group');
    expect(review?.attendees?.find((attendee) => attendee.self)).toMatchObject({
      email: 'mia.chen@gmail.test',
      responseStatus: 'needsAction',
    });
    expect(emulator.control.outbox()).toEqual([]);
  });

  it('is replaced by POST /__control/seed and restored by /__control/reset', async () => {
    const seeded = await fetch(`${emulator.url}/__control/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenant: 'Tiny',
        accounts: [
          {
            email: 'solo@northbridge.test',
            name: 'Solo',
            events: [{ title: 'Only', day: 1, start: '10:00' }],
          },
        ],
      }),
    });
    expect(seeded.status).toBe(200);
    expect((await list('solo@northbridge.test', window)).items.map((item) => item.summary)).toEqual(['Only']);
    expect(() => emulator.control.tokensFor('sam.taylor@gmail.test')).toThrow(/no emulated Google account/);
    const admin = await fetch(`${emulator.url}/__control/google/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'sam.taylor@gmail.test' }),
    });
    expect(admin.status).toBe(404);

    const bad = await fetch(`${emulator.url}/__control/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"accounts":1}',
    });
    expect(bad.status).toBe(400);

    expect((await fetch(`${emulator.url}/__control/reset`, { method: 'POST' })).status).toBe(200);
    expect((await list('sam.taylor@gmail.test', window)).items.length).toBeGreaterThan(0);
  });
});
