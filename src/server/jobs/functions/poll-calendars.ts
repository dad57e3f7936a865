import { listCalendarsDueForPoll } from '@/server/sync/poll-schedule';
import { defineJob } from '../definition';
import type { JobEvent } from '../events';

/** A cron for "every n minutes"; past an hour it runs hourly and the staleness rule spaces the polls. */
export function pollCron(minutes: number): string {
  return minutes < 60 ? `*/${minutes} * * * *` : '0 * * * *';
}

/**
 * Every SYNC_POLL_MINUTES: a sync request for each calendar push does not cover (CalDAV, lapsed
 * channels) and each pushed calendar not synced for a whole interval (the net under lost pushes).
 */
export const pollCalendars = defineJob({
  id: 'poll-calendars',
  name: 'Poll calendars',
  trigger: { cron: (deps) => pollCron(deps.pollMinutes) },
  retries: 2,
  async run(deps, _data, steps) {
    const due = await steps.run('list-calendars-due', () =>
      listCalendarsDueForPoll(deps, { pollMinutes: deps.pollMinutes }),
    );
    if (due.length === 0) return { requested: 0 };
    const events: JobEvent[] = due.map((calendar) => ({
      name: 'tandem/calendar.sync-requested',
      data: { ...calendar, reason: 'poll' },
    }));
    await steps.run('request-polls', () => deps.jobs.send(events));
    return { requested: due.length };
  },
});
