import 'server-only';
import { getEnv } from '@/env';
import { providerRegistryFromEnv } from '@/server/connections/provider-registry-from-env';
import { getDb } from '@/server/db';
import type { SyncDeps } from '@/server/sync/deps';
import type { JobDispatcher } from './events';
import type { JobRuntime } from './runtime';

/** The running app's job runtime: the app's database, its provider registry, the real clock. */
export function appJobRuntime(dispatcher: () => JobDispatcher): JobRuntime {
  const env = getEnv();
  let deps: Promise<SyncDeps> | undefined;
  return {
    deps: () =>
      (deps ??= getDb().then((db) => ({
        db,
        providers: providerRegistryFromEnv(),
        now: () => new Date(),
        window: { pastDays: env.SYNC_WINDOW_PAST_DAYS, futureDays: env.SYNC_WINDOW_FUTURE_DAYS },
      }))),
    dispatcher,
    appUrl: env.APP_URL,
    pollMinutes: env.SYNC_POLL_MINUTES,
  };
}
