import type { ProviderRegistry } from '@/server/connections/provider-registry';
import type { Database } from '@/server/db/client';
import type { JobDispatcher } from '@/server/jobs/events';

/** How far around "now" an initial import reaches (DESIGN.md §4 rule 1; SYNC_WINDOW_* in env). */
export interface SyncWindow {
  pastDays: number;
  futureDays: number;
}

/** What the sync services need; jobs build it once per process, tests hand in emulator-backed parts. */
export interface SyncDeps {
  db: Database;
  providers: ProviderRegistry;
  now: () => Date;
  window: SyncWindow;
  /**
   * Announces the notification emails of answers read from synced copies. The jobs hand it in;
   * tests that do not look at notification emails may leave it out.
   */
  jobs?: JobDispatcher;
}

const DAY_MS = 86_400_000;

/** The window an initial (or expired-cursor) full sync covers, relative to `now`. */
export function syncWindowAt(now: Date, window: SyncWindow): { start: Date; end: Date } {
  return {
    start: new Date(now.getTime() - window.pastDays * DAY_MS),
    end: new Date(now.getTime() + window.futureDays * DAY_MS),
  };
}
