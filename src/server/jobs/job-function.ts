import type { Inngest, InngestFunction } from 'inngest';
import type { JobDefinition, JobDeps, JobSteps } from './definition';
import {
  calendarSyncRequested,
  connectionAdded,
  jobEventSchemas,
  meetingAnswered,
  meetingChanged,
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
