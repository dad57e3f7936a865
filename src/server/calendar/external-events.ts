import type { Executor } from '@/server/db/client';
import type { ShowAs } from '@/server/providers/types';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';
import { wallTimeToInstant } from '@/server/time/zones';
import { readMirrorOccurrences } from './mirror-occurrences';

/** One occurrence of a third-party event, as the Calendar page draws it (read-only). */
export interface MirroredEvent {
  /** Unique per occurrence: the row id, plus the occurrence start for expanded series. */
  id: string;
  calendarId: string;
  title: string | null;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  /** All-day events: dates, end exclusive. */
  startDate: string | null;
  endDate: string | null;
  showAs: ShowAs;
  location: string | null;
}

/** Which mirrored event an occurrence came from: lets the feed recognise copies of Tandem's meetings. */
export interface MirrorSource {
  calendarId: string;
  externalId: string;
  icalUid: string | null;
  tandemMeetingId: string | null;
}

/**
 * The actor's own shown calendars' events in `range`, from the mirror only (no provider call;
 * DESIGN.md §4 rule 1). Series masters are expanded here; an exception or moved instance replaces
 * the occurrence it stands for, a cancelled one removes it.
 */
export async function readMirroredEvents(
  db: Executor,
  actor: Actor,
  range: DateRange,
): Promise<MirroredEvent[]> {
  return (await readMirroredEventsWithSource(db, actor, range)).map(({ event }) => event);
}

/** As readMirroredEvents, each occurrence with the mirrored event it came from. */
export async function readMirroredEventsWithSource(
  db: Executor,
  actor: Actor,
  range: DateRange,
): Promise<{ event: MirroredEvent; source: MirrorSource }[]> {
  const occurrences = await readMirrorOccurrences(
    db,
    { tenantId: actor.tenantId, userIds: [actor.userId], calendars: 'shown' },
    range.from,
    range.to,
  );
  const events: { event: MirroredEvent; source: MirrorSource }[] = [];
  for (const { row, id, start, end, startDate, endDate } of occurrences) {
    const event: MirroredEvent = {
      id,
      calendarId: row.calendarId,
      title: row.title,
      startsAt: start,
      endsAt: end,
      allDay: row.allDay,
      startDate,
      endDate,
      showAs: row.showAs,
      location: row.location,
    };
    if (!overlaps(event, range, actor.timeZone)) continue;
    events.push({
      event,
      source: {
        calendarId: row.calendarId,
        externalId: row.externalId,
        icalUid: row.icalUid,
        tandemMeetingId: row.tandemMeetingId,
      },
    });
  }
  return events.sort(
    (a, b) => a.event.startsAt.getTime() - b.event.startsAt.getTime() || a.event.id.localeCompare(b.event.id),
  );
}

/** Timed events by instant; all-day events by their dates in the viewer's zone. */
function overlaps(event: MirroredEvent, range: DateRange, zone: string): boolean {
  if (!event.allDay || !event.startDate || !event.endDate)
    return event.startsAt < range.to && event.endsAt > range.from;
  return (
    wallTimeToInstant(event.startDate, '00:00:00', zone) < range.to &&
    wallTimeToInstant(event.endDate, '00:00:00', zone) > range.from
  );
}
