import { eventType } from 'inngest';
import { z } from 'zod';

function bulkBatchSchema() {
  return z.object({
    tenantId: z.uuid(),
    runId: z.uuid(),
    enterpriseConnectionId: z.uuid(),
    indexes: z.array(z.number().int().min(0)).min(1).max(100),
  });
}

/**
 * Every background event Tandem sends, with its payload schema: the one place event names live,
 * so that sending an event is type-checked (DESIGN.md §7).
 */
export const jobEventSchemas = {
  /** A connection was added or reconnected: list its calendars and import them. */
  'tandem/connection.added': z.object({ tenantId: z.uuid(), connectionId: z.uuid() }),
  /**
   * Bring one calendar's mirror up to date (push notification, poll, or "Sync now"); `reconcile`
   * also compares the mirror with an etag listing afterwards (the daily CalDAV reconcile);
   * `conflict`: a write met a later change there, which the sync brings in (convergence/).
   */
  'tandem/calendar.sync-requested': z.object({
    tenantId: z.uuid(),
    calendarId: z.uuid(),
    reason: z.enum(['push', 'poll', 'manual', 'import', 'reconcile', 'conflict']),
    /**
     * The calendar's connection, when the sender knows it: sync runs are throttled per connection
     * (the provider's quotas are per account); without it the calendar is its own throttle key.
     */
    connectionId: z.uuid().optional(),
  }),
  /**
   * A push channel needs attention before its regular renewal: Graph asked for reauthorization,
   * or removed the subscription (then it is created afresh and the calendar synced).
   */
  'tandem/push-channel.renewal-requested': z.object({
    tenantId: z.uuid(),
    calendarId: z.uuid(),
    reason: z.enum(['reauthorization_required', 'subscription_removed']),
  }),
  /**
   * A meeting was created or changed in Tandem (or an attendee was added): bring every copy and
   * every invitation up to `version` (delivery/). Replays and stale versions change nothing.
   */
  'tandem/meeting.changed': z.object({
    tenantId: z.uuid(),
    meetingId: z.uuid(),
    version: z.number().int().positive(),
  }),
  /**
   * An attendee answered in Tandem or by an email link: write the answer to their own copy, or
   * send an iMIP REPLY to the organiser's calendar where Tandem holds no copy of theirs.
   */
  'tandem/meeting.answered': z.object({
    tenantId: z.uuid(),
    meetingId: z.uuid(),
    attendeeId: z.uuid(),
  }),
  /** New notifications: email those whose person wants this kind by email. */
  'tandem/notifications.created': z.object({
    tenantId: z.uuid(),
    notificationIds: z.array(z.uuid()).min(1).max(500),
  }),
  /** Work through a bulk run's pending people (enterprise/bulk-runs.ts): started or resumed. */
  'tandem/bulk-run.requested': z.object({ tenantId: z.uuid(), runId: z.uuid() }),
  /**
   * A slice of a bulk run's people, one event name per provider: each is throttled to its
   * provider's per-app quota, keyed by the enterprise connection (jobs/functions/bulk-add.ts).
   */
  'tandem/bulk-batch.microsoft-requested': bulkBatchSchema(),
  'tandem/bulk-batch.google-requested': bulkBatchSchema(),
  'tandem/bulk-batch.exchange-requested': bulkBatchSchema(),
} as const;

export type JobEventName = keyof typeof jobEventSchemas;
export type JobEventData<N extends JobEventName> = z.infer<(typeof jobEventSchemas)[N]>;
export type JobEvent = { [N in JobEventName]: { name: N; data: JobEventData<N> } }[JobEventName];

/** Sends job events: to Inngest in production, to the inline driver in the demo and tests. */
export interface JobDispatcher {
  send(events: JobEvent | JobEvent[]): Promise<void>;
}

/** The same events as Inngest triggers: Inngest validates each payload against its schema. */
export const connectionAdded = eventType('tandem/connection.added', {
  schema: jobEventSchemas['tandem/connection.added'],
});
export const calendarSyncRequested = eventType('tandem/calendar.sync-requested', {
  schema: jobEventSchemas['tandem/calendar.sync-requested'],
});
export const pushChannelRenewalRequested = eventType('tandem/push-channel.renewal-requested', {
  schema: jobEventSchemas['tandem/push-channel.renewal-requested'],
});

export const meetingChanged = eventType('tandem/meeting.changed', {
  schema: jobEventSchemas['tandem/meeting.changed'],
});
export const meetingAnswered = eventType('tandem/meeting.answered', {
  schema: jobEventSchemas['tandem/meeting.answered'],
});
export const notificationsCreated = eventType('tandem/notifications.created', {
  schema: jobEventSchemas['tandem/notifications.created'],
});

export const bulkRunRequested = eventType('tandem/bulk-run.requested', {
  schema: jobEventSchemas['tandem/bulk-run.requested'],
});
export const microsoftBulkBatchRequested = eventType('tandem/bulk-batch.microsoft-requested', {
  schema: jobEventSchemas['tandem/bulk-batch.microsoft-requested'],
});
export const googleBulkBatchRequested = eventType('tandem/bulk-batch.google-requested', {
  schema: jobEventSchemas['tandem/bulk-batch.google-requested'],
});
export const exchangeBulkBatchRequested = eventType('tandem/bulk-batch.exchange-requested', {
  schema: jobEventSchemas['tandem/bulk-batch.exchange-requested'],
});

/** Checks events against their schemas before they leave the process: a bad payload fails at the sender. */
export function parseJobEvents(events: JobEvent | JobEvent[]): JobEvent[] {
  return (Array.isArray(events) ? events : [events]).map(
    (event) => ({ name: event.name, data: jobEventSchemas[event.name].parse(event.data) }) as JobEvent,
  );
}
