import { runProviderContract } from '../contract/suite';
// The contract harness must start the emulator it runs against. This is a test file, not app
// code; the lint rule keeps the app itself free of emulator imports.
import { startMicrosoftTestbed } from '@/emulators/microsoft/testbed';

/** The shared CalendarProvider contract, run against the Microsoft Graph emulator (in-process). */
runProviderContract('microsoft', async () => {
  const testbed = await startMicrosoftTestbed();
  const pageSize = 5;
  const organizer = await testbed.connect('tutor1@northbridge.test', { pageSize });
  const attendee = await testbed.connect('learner1@northbridge.test', { pageSize });
  return {
    organizer: { provider: organizer.provider, email: organizer.email, calendarId: organizer.calendarId },
    attendee: { provider: attendee.provider, email: attendee.email, calendarId: attendee.calendarId },
    deliversInvitations: true,
    expireCursors: async () => testbed.emulator.store.deltaTokens.expireAll(),
    pageSize,
    close: () => testbed.close(),
  };
});
