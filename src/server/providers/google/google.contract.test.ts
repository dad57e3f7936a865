// Tests run the emulator in-process; app code never imports it (eslint's src/ rule targets that).
import { startGoogleTestbed, TESTBED_CLIENT } from '@/emulators/google/testbed';
import type { ContractAccount, ContractHarness } from '../contract/harness';
import { runProviderContract } from '../contract/suite';
import { googleEndpointsAt } from './config';
import { createGoogleProvider } from './provider';

/** The shared contract against the Google emulator: two emulated accounts, invitations delivered. */

const PAGE_SIZE = 5;

runProviderContract('google (emulator)', async (): Promise<ContractHarness> => {
  const bed = await startGoogleTestbed();
  const config = { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) };
  const account = (email: string): ContractAccount => ({
    provider: createGoogleProvider({ config, tokens: bed.tokens(email), pageSize: PAGE_SIZE }),
    email,
    // The primary calendar's id is the account's email.
    calendarId: email,
  });
  return {
    organizer: account('organizer@northbridge.test'),
    attendee: account('attendee@northbridge.test'),
    deliversInvitations: true,
    expireCursors: async () => bed.emulator.control.expireSyncTokens(),
    pageSize: PAGE_SIZE,
    close: () => bed.close(),
  };
});
