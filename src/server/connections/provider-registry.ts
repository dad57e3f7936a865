import type { Executor } from '@/server/db/client';
import type { calendarConnections } from '@/server/db/schema';
import type { CalendarProvider } from '@/server/providers/types';

export type ConnectionRow = typeof calendarConnections.$inferSelect;

/**
 * Builds the adapter that acts as a connection's account (DESIGN.md §2). Services and jobs take a
 * registry, never a concrete adapter, so tests hand them one pointed at the emulators or Radicale.
 * Implementations decrypt the credentials and save refreshed tokens back, encrypted.
 */
export interface ProviderRegistry {
  forConnection(db: Executor, connection: ConnectionRow): Promise<CalendarProvider>;
}
