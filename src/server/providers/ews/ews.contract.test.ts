import { runProviderContract } from '../contract/suite';
// The contract harness must start the emulator it runs against (a test file, not app code).
import { startEwsTestbed } from '@/emulators/ews/testbed';

/** The shared CalendarProvider contract, run against the EWS emulator (in-process, HTTPS). */
runProviderContract('ews', async () => {
  const testbed = await startEwsTestbed();
  const pageSize = 5;
  const organizer = await testbed.connect('alex.morgan@northbridge-college.test', { pageSize });
  const attendee = await testbed.connect('priya.shah@northbridge-college.test', { pageSize });
  return {
    organizer: { provider: organizer.provider, email: organizer.email, calendarId: organizer.calendarId },
    attendee: { provider: attendee.provider, email: attendee.email, calendarId: attendee.calendarId },
    deliversInvitations: true,
    expireCursors: async () => testbed.emulator.store.expireSyncStates(),
    pageSize,
    close: () => testbed.close(),
  };
});
