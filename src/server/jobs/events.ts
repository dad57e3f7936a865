import { z } from 'zod';

/**
 * Every background event Tandem sends, with its payload schema: the one place event names live,
 * so that sending an event is type-checked (DESIGN.md §7).
 */
export const jobEventSchemas = {
  /** A connection was added or reconnected: list its calendars and import them. */
  'tandem/connection.added': z.object({ tenantId: z.uuid(), connectionId: z.uuid() }),
  /** Bring one calendar's mirror up to date (push notification, poll, or "Sync now"). */
  'tandem/calendar.sync-requested': z.object({
    tenantId: z.uuid(),
    calendarId: z.uuid(),
    reason: z.enum(['push', 'poll', 'manual', 'import']),
  }),
} as const;

export type JobEventName = keyof typeof jobEventSchemas;
export type JobEventData<N extends JobEventName> = z.infer<(typeof jobEventSchemas)[N]>;
export type JobEvent = { [N in JobEventName]: { name: N; data: JobEventData<N> } }[JobEventName];

/** Sends job events: to Inngest in production, to the inline driver in the demo and tests. */
export interface JobDispatcher {
  send(events: JobEvent | JobEvent[]): Promise<void>;
}
