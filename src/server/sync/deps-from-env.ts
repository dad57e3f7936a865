import 'server-only';
import { getEnv } from '@/env';
import { providerRegistryFromEnv } from '@/server/connections/provider-registry-from-env';
import { getDb } from '@/server/db';
import type { SyncDeps } from './deps';

/**
 * The running app's sync dependencies: its database, the provider registry that decrypts
 * connections' credentials, the real clock and the configured window. Kept apart from deps.ts so
 * that tests can import the types without the app's server-only modules.
 */
export async function syncDepsFromEnv(): Promise<SyncDeps> {
  const env = getEnv();
  return {
    db: await getDb(),
    providers: providerRegistryFromEnv(),
    now: () => new Date(),
    window: { pastDays: env.SYNC_WINDOW_PAST_DAYS, futureDays: env.SYNC_WINDOW_FUTURE_DAYS },
  };
}
