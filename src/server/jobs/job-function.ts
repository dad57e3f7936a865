import type { Inngest, InngestFunction } from 'inngest';
import type { JobDefinition, JobDeps, JobSteps } from './definition';
import {
  bulkRunRequested,
  calendarSyncRequested,
  connectionAdded,
  exchangeBulkBatchRequested,
  googleBulkBatchRequested,
  jobEventSchemas,
  meetingAnswered,
  meetingChanged,
  microsoftBulkBatchRequested,
  notificationsCreated,
  pushChannelRenewalRequested,
  type JobEventName,
} from './events';
import { runService } from './functions/step-errors';

const EVENT_TRIGGERS = {
  'tandem/connection.added': connectionAdded,
  'tandem/calendar.sync-requested': calendarSyncRequested,
  'tandem/push-channel.renewal-requested': pushChannelRenewalRequested,
  'tandem/meeting.changed': meetingChanged,
  'tandem/meeting.answered': meetingAnswered,
  'tandem/notifications.created': notificationsCreated,
  'tandem/bulk-run.requested': bulkRunRequested,
  'tandem/bulk-batch.microsoft-requested': microsoftBulkBatchRequested,
  'tandem/bulk-batch.google-requested': googleBulkBatchRequested,
  'tandem/bulk-batch.exchange-requested': exchangeBulkBatchRequested,
} satisfies { [N in JobEventName]: { name: N } };

/**
 * The Inngest function of a job definition, bound to the app's parts. Every step's service error
 * is mapped for Inngest (step-errors.ts), and the event's payload is checked against its schema
 * before the body sees it.
 */
export function createJobFunction(
  client: Inngest,
  definition: JobDefinition,
  deps: JobDeps,
): InngestFunction.Any {
  const { trigger } = definition;
  return client.createFunction(
    {
      id: definition.id,
      name: definition.name,
      triggers: ['event' in trigger ? EVENT_TRIGGERS[trigger.event] : { cron: trigger.cron(deps) }],
      ...(definition.concurrencyKey ? { concurrency: { key: definition.concurrencyKey, limit: 1 } } : {}),
      ...(definition.throttle ? { throttle: definition.throttle } : {}),
      retries: definition.retries,
      ...(definition.onFailure ? { onFailure: failureHandler(definition, deps) } : {}),
    },
    async ({ event, step, attempt }) => {
      const steps: JobSteps = {
        // Inngest types a step's result as its JSON form; JobSteps asks bodies to return plain data.
        run: <T>(id: string, body: () => Promise<T>) =>
          step.run(id, () => runService(attempt, body)) as Promise<T>,
      };
      // Parsed by the schema of the definition's own trigger: the payload type its body declares.
      const data = 'event' in trigger ? jobEventSchemas[trigger.event].parse(event.data) : {};
      return definition.run(deps, data as never, steps);
    },
  );
}

/** What Inngest hands a failure handler: the `inngest/function.failed` event and the final error. */
export interface FailureContext {
  event: { data: { event: { data: unknown } } };
  error: { message: string };
}

/**
 * The definition's `onFailure` as a handler: the original event's payload is checked against
 * its trigger's schema, as for the body.
 */
export function failureHandler(definition: JobDefinition, deps: JobDeps) {
  return async ({ event, error }: FailureContext) => {
    const { trigger, onFailure } = definition;
    if (!onFailure) return null;
    const original = event.data.event.data;
    const data = 'event' in trigger ? jobEventSchemas[trigger.event].parse(original) : {};
    return onFailure(deps, data as never, { message: error.message });
  };
}

/**
 * The failure handler as its own function on `inngest/function.failed`, as Inngest runs it: for
 * @inngest/test, whose engine runs a function's main handler only.
 */
export function createFailureFunction(
  client: Inngest,
  definition: JobDefinition,
  deps: JobDeps,
): InngestFunction.Any {
  return client.createFunction(
    {
      id: `${definition.id}-failure`,
      name: `${definition.name} (failed)`,
      triggers: [{ event: 'inngest/function.failed' }],
    },
    async ({ event }) => failureHandler(definition, deps)({ event: event as never, error: errorOf(event) }),
  );
}

function errorOf(event: { data?: unknown }): { message: string } {
  const error = (event.data as { error?: { message?: unknown } } | undefined)?.error;
  return { message: typeof error?.message === 'string' ? error.message : 'failed' };
}
