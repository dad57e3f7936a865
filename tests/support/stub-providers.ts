import { decryptCredentials } from '@/server/connections/credentials';
import type { ProviderRegistry } from '@/server/connections/provider-registry';
import type { KeyRing } from '@/server/crypto/secrets';
import { ProviderAuthRevokedError, ProviderUnavailableError } from '@/server/providers/errors';
import type { CalendarProvider, ProviderCalendar } from '@/server/providers/types';

/** The password the stub's CalDAV and Exchange servers refuse. */
export const STUB_WRONG_PASSWORD = 'wrong-password';

const STUB_CALENDAR: ProviderCalendar = {
  externalId: 'stub-calendar',
  name: 'Stub calendar',
  color: '#3366cc',
  timeZone: 'Europe/London',
  isPrimary: true,
  canWrite: true,
};

/**
 * For the API suites, which call every procedure but reach no real server: CalDAV and EWS connections
 * list one calendar (or refuse STUB_WRONG_PASSWORD); anything else is unreachable. Tests of the
 * connections themselves use the real registry against the emulators and Radicale.
 */
export function stubProviderRegistry(keys: KeyRing): ProviderRegistry {
  return {
    async forConnection(_db, connection) {
      const credentials = decryptCredentials(keys, connection.encryptedCredentials);
      const unreachable = () =>
        Promise.reject(new ProviderUnavailableError('the stub registry reaches no provider'));
      const provider = {
        kind: connection.provider,
        capabilities: { push: null, serverScheduling: false, freeBusyQuery: false },
        async listCalendars() {
          if (credentials.kind !== 'caldav' && credentials.kind !== 'ews') return unreachable();
          if (credentials.password === STUB_WRONG_PASSWORD)
            throw new ProviderAuthRevokedError('401 Unauthorized', 401);
          return [STUB_CALENDAR];
        },
      };
      return new Proxy(provider, {
        // `then` stays undefined: the proxy is not a promise.
        get: (target, key) =>
          key in target ? target[key as keyof typeof target] : key === 'then' ? undefined : unreachable,
      }) as unknown as CalendarProvider;
    },
  };
}
