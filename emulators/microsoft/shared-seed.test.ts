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
    // Only the people whose calendar is at Microsoft: each address lives at one provider.
    const accounts = [...emulator.store.accounts.values()];
    expect(accounts.map((a) => a.email).sort()).toEqual([
      'aisha.khan@outlook.test',
      'alex.morgan@northbridge-college.test',
      'morgan.lee@brightworks.test',
      'priya.shah@northbridge-college.test',
      'zoe.evans@outlook.test',
    ]);
    const byEmail = new Map(accounts.map((a) => [a.email, a]));
    expect(byEmail.get('priya.shah@northbridge-college.test')).toMatchObject({
      displayName: 'Priya Shah',
      kind: 'work',
    });
    expect(byEmail.get('aisha.khan@outlook.test')).toMatchObject({
      kind: 'personal',
      tenantId: '9188040d-6c67-4c5b-b112-36a304b66dad',
    });
    // Northbridge College and Brightworks are separate Microsoft 365 tenants.
    expect(byEmail.get('morgan.lee@brightworks.test')?.tenantId).not.toBe(
      byEmail.get('priya.shah@northbridge-college.test')?.tenantId,
    );
    const token = (await signIn(emulator.url, 'alex.morgan@northbridge-college.test')).access_token;
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
