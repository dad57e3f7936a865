import { and, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or, type SQL } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { calendarConnections, calendars, externalEvents } from '@/server/db/schema';
import type { ShowAs } from '@/server/providers/types';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';
import { wallTimeToInstant } from '@/server/time/zones';
import { seriesOccurrences, type SeriesStart } from './recurrence-expansion';

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

const DAY_MS = 86_400_000;

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
  // All-day rows sit at 00:00 UTC; a day either side catches them in any zone before the exact test below.
  const from = new Date(range.from.getTime() - DAY_MS);
  const to = new Date(range.to.getTime() + DAY_MS);
  const rows = await selectMirrorRows(
    db,
    actor,
    and(
      ne(externalEvents.status, 'cancelled'),
      lt(externalEvents.startAt, to),
      or(
        and(isNull(externalEvents.recurrence), gt(externalEvents.endAt, from)),
        and(
          isNotNull(externalEvents.recurrence),
          or(isNull(externalEvents.seriesEndAt), gt(externalEvents.seriesEndAt, from)),
        ),
      ),
    ),
  );
  const masters = rows.filter((row) => row.recurrence !== null);
  const replaced = await replacedOccurrences(db, actor, masters, from, to);

  const events: { event: MirroredEvent; source: MirrorSource }[] = [];
  for (const row of rows) {
    const source: MirrorSource = {
      calendarId: row.calendarId,
      externalId: row.externalId,
      icalUid: row.icalUid,
      tandemMeetingId: row.tandemMeetingId,
    };
    if (row.recurrence === null) {
      const event = toMirroredEvent(row, row.id, row.startAt, row.endAt, row.startDate, row.endDate);
      if (overlaps(event, range, actor.timeZone)) events.push({ event, source });
      continue;
    }
    const length = row.endAt.getTime() - row.startAt.getTime();
    const start: SeriesStart =
      row.allDay && row.startDate
        ? { kind: 'allDay', startDate: row.startDate }
        : { kind: 'timed', start: row.startAt, timeZone: row.timeZone };
    const skip = replaced.get(`${row.calendarId}|${row.externalId}`);
    for (const occurrence of seriesOccurrences(
      { recurrence: row.recurrence, start },
      new Date(from.getTime() - length),
      to,
    )) {
      if (skip?.has(occurrence.getTime())) continue;
      const end = new Date(occurrence.getTime() + length);
      const event = row.allDay
        ? toMirroredEvent(
            row,
            `${row.id}:${isoDate(occurrence)}`,
            occurrence,
            end,
            isoDate(occurrence),
            isoDate(end),
          )
        : toMirroredEvent(row, `${row.id}:${occurrence.getTime()}`, occurrence, end, null, null);
      if (overlaps(event, range, actor.timeZone)) events.push({ event, source });
    }
  }
  return events.sort(
    (a, b) => a.event.startsAt.getTime() - b.event.startsAt.getTime() || a.event.id.localeCompare(b.event.id),
  );
}

type MirrorRow = Awaited<ReturnType<typeof selectMirrorRows>>[number];

function selectMirrorRows(db: Executor, actor: Actor, condition: SQL | undefined) {
  return db
    .select({
      id: externalEvents.id,
      calendarId: externalEvents.calendarId,
      externalId: externalEvents.externalId,
      icalUid: externalEvents.icalUid,
      tandemMeetingId: externalEvents.tandemMeetingId,
      title: externalEvents.title,
      location: externalEvents.location,
      startAt: externalEvents.startAt,
      endAt: externalEvents.endAt,
      allDay: externalEvents.allDay,
      startDate: externalEvents.startDate,
      endDate: externalEvents.endDate,
      timeZone: externalEvents.timeZone,
      recurrence: externalEvents.recurrence,
      showAs: externalEvents.showAs,
      seriesExternalId: externalEvents.seriesExternalId,
      originalStartAt: externalEvents.originalStartAt,
    })
    .from(externalEvents)
    .innerJoin(calendars, eq(calendars.id, externalEvents.calendarId))
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(externalEvents.tenantId, actor.tenantId),
        eq(calendars.tenantId, actor.tenantId),
        eq(calendarConnections.tenantId, actor.tenantId),
        eq(calendarConnections.userId, actor.userId),
        eq(calendars.show, true),
        condition,
      ),
    );
}

/** Per series (calendar|master id): original starts that an exception, moved or cancelled instance replaces. */
async function replacedOccurrences(
  db: Executor,
  actor: Actor,
  masters: MirrorRow[],
  from: Date,
  to: Date,
): Promise<Map<string, Set<number>>> {
  const replaced = new Map<string, Set<number>>();
  if (masters.length === 0) return replaced;
  const longest = Math.max(...masters.map((row) => row.endAt.getTime() - row.startAt.getTime()));
  const exceptions = await selectMirrorRows(
    db,
    actor,
    and(
      inArray(externalEvents.seriesExternalId, [...new Set(masters.map((row) => row.externalId))]),
      inArray(externalEvents.calendarId, [...new Set(masters.map((row) => row.calendarId))]),
      gte(externalEvents.originalStartAt, new Date(from.getTime() - longest)),
      lt(externalEvents.originalStartAt, to),
    ),
  );
  for (const exception of exceptions) {
    if (!exception.originalStartAt) continue;
    const key = `${exception.calendarId}|${exception.seriesExternalId}`;
    const starts = replaced.get(key) ?? new Set<number>();
    starts.add(exception.originalStartAt.getTime());
    replaced.set(key, starts);
  }
  return replaced;
}

function toMirroredEvent(
  row: MirrorRow,
  id: string,
  startsAt: Date,
  endsAt: Date,
  startDate: string | null,
  endDate: string | null,
): MirroredEvent {
  return {
    id,
    calendarId: row.calendarId,
    title: row.title,
    startsAt,
    endsAt,
    allDay: row.allDay,
    startDate,
    endDate,
    showAs: row.showAs,
    location: row.location,
  };
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

function isoDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
