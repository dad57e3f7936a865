import type { SyncDeps } from '@/server/sync/deps';
import type { JobDispatcher } from './events';

/** What the job functions hand to the services; built once per process (or per test). */
export interface JobRuntime {
  /** The sync services' dependencies (db, providers, clock, window), resolved on first use. */
  deps(): Promise<SyncDeps>;
  /** Where functions send the events that fan work out (the inline driver or Inngest). */
  dispatcher(): JobDispatcher;
  /** The app's public URL: push channels point at `${appUrl}/api/webhooks/<provider>`. */
  appUrl: string;
  /** SYNC_POLL_MINUTES: how often calendars are polled, and how stale a pushed calendar may get. */
  pollMinutes: number;
}
