import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrosoftEmulator, type MicrosoftEmulator } from './server';
import { graphFetch, signIn } from './test-client';

/** The default seed is the demo seed shared with the Google emulator. */
let emulator: MicrosoftEmulator;
beforeAll(async () => {
  emulator = await startMicrosoftEmulator({ port: 0 });
});
afterAll(() => emulator.close());

describe('shared demo seed', () => {
  it('loads the demo accounts, delivers seeded invitations and expands seeded series', async () => {
    const emails = [...emulator.store.accounts.values()].map((a) => a.email).sort();
    expect(emails).toEqual(
      expect.arrayContaining([
        'admin@northbridge.test',
        'tutor1@northbridge.test',
        'learner6@northbridge.test',
      ]),
    );
    const token = (await signIn(emulator.url, 'tutor2@northbridge.test')).access_token;
    const start = new Date(Date.now() - 14 * 86_400_000).toISOString();
    const end = new Date(Date.now() + 21 * 86_400_000).toISOString();
    const { value } = (await (
      await graphFetch(
        emulator.url,
        token,
        `/me/calendarView?startDateTime=${start}&endDateTime=${end}&$top=200`,
      )
    ).json()) as {
      value: { type: string; isOrganizer: boolean }[];
    };
    expect(value.some((event) => event.type === 'occurrence' && !event.isOrganizer)).toBe(true);
  });
});
