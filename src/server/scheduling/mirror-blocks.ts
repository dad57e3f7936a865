import { and, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or } from 'drizzle-orm';
import { seriesOccurrences, type SeriesStart } from '@/server/calendar/recurrence-expansion';
import type { Executor } from '@/server/db/client';
import { calendarConnections, calendars, externalEvents } from '@/server/db/schema';
import { wallTimeToInstant } from '@/server/time/zones';
import type { Block, BlockState } from './timeline';

const DAY_MS = 86_400_000;

/** A mirrored event occurrence that counts against someone, before privacy is applied. */
export interface MirrorBlock extends Block {
  userId: string;
  /** To recognise copies of Tandem's own meetings, which Tandem's record decides instead. */
  tandemMeetingId: string | null;
  icalUid: string | null;
}

/**
 * What the mirror says each person is doing in [from, to) (DESIGN.md §4 rule 1: no provider
 * call). Every calendar marked busy counts, shown or hidden; events marked free or transparent do
 * not, nor do ones the person declined. Series are expanded in their own zone, exceptions and
 * cancelled instances replacing the occurrences they stand for; all-day events span their dates
 * in the person's own zone.
 */
export async function readMirrorBlocks(
  db: Executor,
  tenantId: string,
  zones: Map<string, string>,
  from: Date,
  to: Date,
): Promise<MirrorBlock[]> {
  const userIds = [...zones.keys()];
  if (userIds.length === 0) return [];
  // All-day rows sit at 00:00 UTC; a day either side catches them in any zone before the exact test.
  const wideFrom = new Date(from.getTime() - DAY_MS);
  const wideTo = new Date(to.getTime() + DAY_MS);
  const rows = await selectRows(
    db,
    tenantId,
    userIds,
    and(
      ne(externalEvents.status, 'cancelled'),
      ne(externalEvents.transparency, 'transparent'),
      ne(externalEvents.showAs, 'free'),
      lt(externalEvents.startAt, wideTo),
      or(
        and(isNull(externalEvents.recurrence), gt(externalEvents.endAt, wideFrom)),
        and(
          isNotNull(externalEvents.recurrence),
          or(isNull(externalEvents.seriesEndAt), gt(externalEvents.seriesEndAt, wideFrom)),
        ),
      ),
    ),
  );
  const masters = rows.filter((row) => row.recurrence !== null);
  const replaced = await replacedOccurrences(db, tenantId, userIds, masters, wideFrom, wideTo);

  const blocks: MirrorBlock[] = [];
  for (const row of rows) {
    if (declinedByOwner(row)) continue;
    const zone = zones.get(row.userId) ?? 'UTC';
    const state = blockStateOf(row.showAs, row.status);
    const push = (start: number, end: number) => {
      if (end > from.getTime() && start < to.getTime())
        blocks.push({
          userId: row.userId,
          start,
          end,
          state,
          ...(row.title === null ? {} : { title: row.title }),
          tandemMeetingId: row.tandemMeetingId,
          icalUid: row.icalUid,
        });
    };
    if (row.recurrence === null) {
      if (row.allDay && row.startDate && row.endDate)
        push(localMidnight(row.startDate, zone), localMidnight(row.endDate, zone));
      else push(row.startAt.getTime(), row.endAt.getTime());
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
      new Date(wideFrom.getTime() - length),
      wideTo,
    )) {
      if (skip?.has(occurrence.getTime())) continue;
      if (row.allDay) {
        const days = Math.max(1, Math.round(length / DAY_MS));
        const date = occurrence.toISOString().slice(0, 10);
        const endDate = new Date(occurrence.getTime() + days * DAY_MS).toISOString().slice(0, 10);
        push(localMidnight(date, zone), localMidnight(endDate, zone));
      } else push(occurrence.getTime(), occurrence.getTime() + length);
    }
  }
  return blocks;
}

type Row = Awaited<ReturnType<typeof selectRows>>[number];

function selectRows(db: Executor, tenantId: string, userIds: string[], condition: ReturnType<typeof and>) {
  return db
    .select({
      userId: calendarConnections.userId,
      accountEmail: calendarConnections.accountEmail,
      calendarId: externalEvents.calendarId,
      externalId: externalEvents.externalId,
      icalUid: externalEvents.icalUid,
      tandemMeetingId: externalEvents.tandemMeetingId,
      title: externalEvents.title,
      status: externalEvents.status,
      startAt: externalEvents.startAt,
      endAt: externalEvents.endAt,
      allDay: externalEvents.allDay,
      startDate: externalEvents.startDate,
      endDate: externalEvents.endDate,
      timeZone: externalEvents.timeZone,
      recurrence: externalEvents.recurrence,
      showAs: externalEvents.showAs,
      attendees: externalEvents.attendees,
      seriesExternalId: externalEvents.seriesExternalId,
      originalStartAt: externalEvents.originalStartAt,
    })
    .from(externalEvents)
    .innerJoin(calendars, eq(calendars.id, externalEvents.calendarId))
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(externalEvents.tenantId, tenantId),
        eq(calendars.tenantId, tenantId),
        eq(calendarConnections.tenantId, tenantId),
        inArray(calendarConnections.userId, userIds),
        eq(calendars.busy, true),
        condition,
      ),
    );
}

/** Per series (calendar|master id): original starts that an exception, moved or cancelled instance replaces. */
async function replacedOccurrences(
  db: Executor,
  tenantId: string,
  userIds: string[],
  masters: Row[],
  from: Date,
  to: Date,
): Promise<Map<string, Set<number>>> {
  const replaced = new Map<string, Set<number>>();
  if (masters.length === 0) return replaced;
  const longest = Math.max(...masters.map((row) => row.endAt.getTime() - row.startAt.getTime()));
  // Every exception, whatever its own status or transparency: each replaces its occurrence.
  const exceptions = await selectRows(
    db,
    tenantId,
    userIds,
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

/** Outlook's show-as where the provider has one; Google's tentative status reads as tentative. */
function blockStateOf(showAs: Row['showAs'], status: Row['status']): BlockState {
  if (showAs === 'oof') return 'out_of_office';
  if (showAs === 'working_elsewhere') return 'working_elsewhere';
  if (showAs === 'tentative' || status === 'tentative') return 'tentative';
  return 'busy';
}

/** An invitation the calendar's owner declined leaves their time free, as Google's free/busy does. */
function declinedByOwner(row: Row): boolean {
  const self = row.accountEmail.toLowerCase();
  return row.attendees.some(
    (attendee) => attendee.email.toLowerCase() === self && attendee.response === 'declined',
  );
}

function localMidnight(date: string, zone: string): number {
  return wallTimeToInstant(date, '00:00:00', zone).getTime();
}
