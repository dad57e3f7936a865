import type { Executor } from '@/server/db/client';
import { listMeetings, type MeetingView } from '@/server/meetings/queries';
import { listTasks, type Task } from '@/server/tasks/tasks';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';

export interface CalendarFeed {
  tasks: Task[];
  meetings: MeetingView[];
}

/** Everything the Calendar page shows for a range, read locally (no provider calls). */
export async function readCalendarFeed(db: Executor, actor: Actor, range: DateRange): Promise<CalendarFeed> {
  const [tasks, meetings] = await Promise.all([listTasks(db, actor, range), listMeetings(db, actor, range)]);
  return { tasks, meetings };
}
