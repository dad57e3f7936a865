import 'server-only';
import { getEnv } from '@/env';
import type { SyncDeps } from '@/server/sync/deps';
import { syncDepsFromEnv } from '@/server/sync/deps-from-env';
import type { JobDispatcher } from './events';
import type { JobRuntime } from './runtime';

/** The running app's job runtime: SYNC's dependencies from the environment, built once per process. */
export function appJobRuntime(dispatcher: () => JobDispatcher): JobRuntime {
  const env = getEnv();
  let deps: Promise<SyncDeps> | undefined;
  return {
    deps: () => (deps ??= syncDepsFromEnv()),
    dispatcher,
    appUrl: env.APP_URL,
    pollMinutes: env.SYNC_POLL_MINUTES,
  };
}
