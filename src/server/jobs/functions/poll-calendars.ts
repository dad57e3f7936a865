import type { Inngest } from 'inngest';
import { listCalendarsDueForPoll } from '@/server/sync/poll-schedule';
import type { JobEvent } from '../events';
import type { JobRuntime } from '../runtime';
import { runService } from './step-errors';

/** A cron for "every n minutes"; past an hour it runs hourly and the staleness rule spaces the polls. */
export function pollCron(minutes: number): string {
  return minutes < 60 ? `*/${minutes} * * * *` : '0 * * * *';
}

/**
 * Every SYNC_POLL_MINUTES: a sync request for each calendar push does not cover (CalDAV, lapsed
 * channels) and each pushed calendar not synced for a whole interval (the net under lost pushes).
 */
export const pollCalendarsJob = {
  id: 'poll-calendars',
  services: { listCalendarsDueForPoll },
} as const;

export function createPollCalendarsFunction(client: Inngest, runtime: JobRuntime) {
  return client.createFunction(
    { id: pollCalendarsJob.id, name: 'Poll calendars', triggers: [{ cron: pollCron(runtime.pollMinutes) }], retries: 2 },
    async ({ step, attempt }) => {
      const due = await step.run('list-calendars-due', () =>
        runService(attempt, async () => listCalendarsDueForPoll(await runtime.deps(), { pollMinutes: runtime.pollMinutes })),
      );
      if (due.length === 0) return { requested: 0 };
      const events: JobEvent[] = due.map((calendar) => ({ name: 'tandem/calendar.sync-requested', data: { ...calendar, reason: 'poll' } }));
      await step.run('request-polls', () => runtime.dispatcher().send(events));
      return { requested: due.length };
    },
  );
}
