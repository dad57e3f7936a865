import { createEwsProvider, type EwsCalendarProvider } from '../../src/server/providers/ews';
import { DEFAULT_PASSWORD } from './store';
import { startEwsEmulator, type EwsEmulator, type EwsEmulatorOptions } from './server';

/** Test support (not production code): an in-process EWS emulator plus adapters for its mailboxes. */
export interface EwsTestbed {
  emulator: EwsEmulator;
  connect(
    email: string,
    options?: { pageSize?: number; password?: string; username?: string; impersonate?: string },
  ): Promise<{ email: string; provider: EwsCalendarProvider; calendarId: string }>;
  close(): Promise<void>;
}

export async function startEwsTestbed(options: EwsEmulatorOptions = {}): Promise<EwsTestbed> {
  const emulator = await startEwsEmulator({ port: 0, ...options });
  return {
    emulator,
    async connect(email, connectOptions = {}) {
      const provider = createEwsProvider({
        endpoint: emulator.endpoint,
        username: connectOptions.username ?? email,
        password: connectOptions.password ?? DEFAULT_PASSWORD,
        auth: 'basic',
        email,
        impersonate: connectOptions.impersonate ?? null,
        // The emulator listens on loopback, which only the demo and tests may reach.
        addressPolicy: { allowLoopback: true },
        ...(connectOptions.pageSize ? { pageSize: connectOptions.pageSize } : {}),
      });
      const [calendar] = await provider.listCalendars();
      return { email: connectOptions.impersonate ?? email, provider, calendarId: calendar!.externalId };
    },
    close: () => emulator.close(),
  };
}
