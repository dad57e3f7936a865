import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { meetingLinks } from '@/server/db/schema';
import { listMeetings } from '@/server/meetings/queries';
import { listTasks, type Task } from '@/server/tasks/tasks';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';
import { listCalendarLegend, type CalendarLegendEntry } from './calendar-legend';
import { readMirroredEventsWithSource, type MirroredEvent } from './external-events';
import { meetingsAsDrawn, type CalendarMeeting } from './meeting-occurrences';
import { mergeMeetingsWithMirror } from './merge-feed';

export type { CalendarLegendEntry } from './calendar-legend';
export type { MirroredEvent } from './external-events';
export type { CalendarMeeting } from './meeting-occurrences';

export interface CalendarFeed {
  tasks: Task[];
  /** Meetings as drawn: a recurring one as each of its occurrences in the range. */
  meetings: CalendarMeeting[];
  /** The actor's shown third-party calendars, from the mirror, without copies of the meetings above. */
  externalEvents: MirroredEvent[];
  /** The actor's connected calendars, for the legend (shown or not). */
  calendars: CalendarLegendEntry[];
}

/** Everything the Calendar page shows for a range, read locally (no provider calls). */
export async function readCalendarFeed(db: Executor, actor: Actor, range: DateRange): Promise<CalendarFeed> {
  const [tasks, listed, mirrored, calendars] = await Promise.all([
    listTasks(db, actor, range),
    listMeetings(db, actor, range),
    readMirroredEventsWithSource(db, actor, range),
    listCalendarLegend(db, actor),
  ]);
  const meetings = await meetingsAsDrawn(db, actor, listed, range);
  const links =
    listed.length === 0
      ? []
      : await db
          .select({ calendarId: meetingLinks.calendarId, externalId: meetingLinks.externalId })
          .from(meetingLinks)
          .where(
            and(
              eq(meetingLinks.tenantId, actor.tenantId),
              inArray(
                meetingLinks.meetingId,
                listed.map((meeting) => meeting.id),
              ),
            ),
          );
  return { tasks, meetings, externalEvents: mergeMeetingsWithMirror(listed, mirrored, links), calendars };
}
