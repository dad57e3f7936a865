import { listCalendarsDueForReconcile } from '@/server/sync/reconcile-calendar';
import { defineJob } from '../definition';
import type { JobEvent } from '../events';

/**
 * Every hour: a reconcile request for the CalDAV calendars whose hour it is (each has one hour a
 * day). The sync-calendar job carries it out, so it never overlaps a sync of the same calendar.
 */
export const reconcileCalendars = defineJob({
  id: 'reconcile-calendars',
  name: 'Reconcile CalDAV calendars',
  trigger: { cron: () => '0 * * * *' },
  retries: 2,
  async run(deps, _data, steps) {
    const due = await steps.run('list-calendars-due', () => listCalendarsDueForReconcile(deps, deps.now()));
    if (due.length === 0) return { requested: 0 };
    const events: JobEvent[] = due.map((calendar) => ({
      name: 'tandem/calendar.sync-requested',
      data: { ...calendar, reason: 'reconcile' },
    }));
    await steps.run('request-reconciles', () => deps.jobs.send(events));
    return { requested: due.length };
  },
});
