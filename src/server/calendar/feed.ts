import type { Executor } from '@/server/db/client';
import { listMeetings, type MeetingView } from '@/server/meetings/queries';
import { listTasks, type Task } from '@/server/tasks/tasks';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';
import { listCalendarLegend, type CalendarLegendEntry } from './calendar-legend';
import { readMirroredEvents, type MirroredEvent } from './external-events';

export type { CalendarLegendEntry } from './calendar-legend';
export type { MirroredEvent } from './external-events';

export interface CalendarFeed {
  tasks: Task[];
  meetings: MeetingView[];
  /** The actor's shown third-party calendars, from the mirror. */
  externalEvents: MirroredEvent[];
  /** The actor's connected calendars, for the legend (shown or not). */
  calendars: CalendarLegendEntry[];
}

/** Everything the Calendar page shows for a range, read locally (no provider calls). */
export async function readCalendarFeed(db: Executor, actor: Actor, range: DateRange): Promise<CalendarFeed> {
  const [tasks, meetings, externalEvents, calendars] = await Promise.all([
    listTasks(db, actor, range),
    listMeetings(db, actor, range),
    readMirroredEvents(db, actor, range),
    listCalendarLegend(db, actor),
  ]);
  return { tasks, meetings, externalEvents, calendars };
}
