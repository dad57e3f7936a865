import { and, ne, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import {
  anyOfIds,
  inScopeCalendars,
  occurrencesOf,
  ownedCalendars,
  replacedOccurrencesIn,
  touchingParts,
  type MirrorRow,
  type MirrorScope,
} from '@/server/calendar/mirror-occurrences';
import type { SeriesStart } from '@/server/calendar/recurrence-expansion';
import type { Executor } from '@/server/db/client';
import { externalEvents } from '@/server/db/schema';
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
 * in the person's own zone. Titles are read only for `titlesFor`'s calendars (the viewer's own).
 *
 * The same rows as readMirrorOccurrences (the same index-bounded parts), but only the columns
 * availability needs, as one JSON array of compact arrays: decoding thousands of full rows cost
 * more than the rest of availability together.
 */
export async function readMirrorBlocks(
  db: Executor,
  tenantId: string,
  zones: Map<string, string>,
  from: Date,
  to: Date,
  options: { titlesFor?: string } = {},
): Promise<MirrorBlock[]> {
  const scope = busyMirrorScope(tenantId, [...zones.keys()]);
  if (scope.userIds.length === 0) return [];
  const owned = await ownedCalendars(db, scope);
  if (owned.length === 0) return [];
  const ownerOf = new Map(owned.map((row) => [row.calendarId, row]));
  const wideFrom = new Date(from.getTime() - DAY_MS);
  const wideTo = new Date(to.getTime() + DAY_MS);
  const titled = owned.filter((row) => row.userId === options.titlesFor).map((row) => row.calendarId);
  const calendarIds = [...ownerOf.keys()];
  // Together, not one after the other: the exceptions are read without waiting for the masters.
  const [rows, replaced] = await Promise.all([
    readBusyRows(db, scope, calendarIds, titled, wideFrom, wideTo),
    replacedOccurrencesIn(db, scope, calendarIds, wideFrom, wideTo),
  ]);

  const fromMs = from.getTime();
  const toMs = to.getTime();
  const midnights = new Map<string, number>();
  const localMidnight = (date: string, zone: string) => {
    const key = `${date}|${zone}`;
    let instant = midnights.get(key);
    if (instant === undefined)
      midnights.set(key, (instant = wallTimeToInstant(date, '00:00:00', zone).getTime()));
    return instant;
  };
  const blocks: MirrorBlock[] = [];
  for (const row of rows) {
    const [calendarId, startMs, endMs, allDay, startDate, endDate, status, showAs, icalUid, tandemMeetingId] =
      row;
    const owner = ownerOf.get(calendarId);
    if (!owner || declinedByOwner(row[11], owner.accountEmail)) continue;
    const zone = zones.get(owner.userId) ?? 'UTC';
    const state = blockStateOf(showAs, status);
    const title = row[10];
    const add = (start: number, end: number) => {
      if (end <= fromMs || start >= toMs) return;
      blocks.push({
        userId: owner.userId,
        start,
        end,
        state,
        ...(title === null ? {} : { title }),
        tandemMeetingId,
        icalUid,
      });
    };
    const recurrence = row[14];
    if (!recurrence) {
      if (allDay && startDate && endDate) add(localMidnight(startDate, zone), localMidnight(endDate, zone));
      else add(startMs, endMs);
      continue;
    }
    const length = endMs - startMs;
    const start: SeriesStart =
      allDay && startDate
        ? { kind: 'allDay', startDate }
        : { kind: 'timed', start: new Date(startMs), timeZone: row[13] ?? null };
    const skip = replaced.get(`${calendarId}|${row[12]}`);
    for (const occurrence of occurrencesOf(
      recurrence,
      start,
      new Date(wideFrom.getTime() - length),
      wideTo,
    )) {
      const at = occurrence.getTime();
      if (skip?.has(at)) continue;
      if (allDay) add(localMidnight(isoDate(at), zone), localMidnight(isoDate(at + length), zone));
      else add(at, at + length);
    }
  }
  return blocks;
}

/**
 * One stored row as availability reads it (readBusyRows' json_build_array, in this order); series
 * masters alone carry the last three.
 */
export type BusyRow = [
  calendarId: string,
  startMs: number,
  endMs: number,
  allDay: boolean,
  startDate: string | null,
  endDate: string | null,
  status: MirrorRow['status'],
  showAs: MirrorRow['showAs'],
  icalUid: string | null,
  tandemMeetingId: string | null,
  title: string | null,
  declinedEmails: string[] | null,
  externalId?: string,
  timeZone?: string | null,
  recurrence?: string[],
];

/**
 * The rows of readMirrorRows (one-off events and series masters that may touch [from, to)), as one
 * JSON array: PostgreSQL builds it, the client parses it once, instead of decoding each of
 * thousands of rows column by column. Instants come as epoch milliseconds; of the attendees only
 * the addresses that declined (the owner's own answer is all availability asks of them).
 */
export async function readBusyRows(
  db: Executor,
  scope: MirrorScope,
  calendarIds: string[],
  titledCalendarIds: string[],
  from: Date,
  to: Date,
): Promise<BusyRow[]> {
  const e = externalEvents;
  const title =
    titledCalendarIds.length === 0
      ? sql`null::text`
      : sql`case when ${anyOfIds(e.calendarId, titledCalendarIds)} then ${e.title} end`;
  // Containment first: it is cheap, and most rows have no declined attendee to list.
  const declined = sql`case when ${e.attendees} @> '[{"response":"declined"}]' then array(select a->>'email' from jsonb_array_elements(${e.attendees}) a where a->>'response' = 'declined') end`;
  const common = sql`${e.calendarId}, ${epochMs(e.startAt)}, ${epochMs(e.endAt)}, ${e.allDay}, ${e.startDate}, ${e.endDate}, ${e.status}, ${e.showAs}, ${e.icalUid}, ${e.tandemMeetingId}, ${title}, ${declined}`;
  const parts = touchingParts(from, to);
  const part = (columns: SQL, condition: SQL) =>
    sql`select json_build_array(${columns}) as r from ${e} where ${and(inScopeCalendars(scope, calendarIds), condition)}`;
  const [result] = await db
    .select({ rows: sql<BusyRow[]>`coalesce(json_agg(parts.r), '[]'::json)` })
    .from(
      sql`(${part(common, parts.short)} union all ${part(common, parts.long)} union all ${part(
        sql`${common}, ${e.externalId}, ${e.timeZone}, ${e.recurrence}`,
        parts.series,
      )}) parts`,
    );
  return result?.rows ?? [];
}

/**
 * An instant as epoch milliseconds, rounded down as JavaScript's Date keeps it. `extract` works in
 * numeric, which was a third of the query's time over thousands of rows; `date_part` is float8, and
 * is exact here: truncated to the millisecond first, the product is within a hair of an integer,
 * which `round` then gives exactly (for any date within a few thousand years).
 */
function epochMs(column: AnyColumn): SQL {
  return sql`round(date_part('epoch', date_trunc('milliseconds', ${column})) * 1000)`;
}

/** The mirror as availability reads it: busy calendars, shown or hidden; nothing marked free. */
export function busyMirrorScope(tenantId: string, userIds: string[]): MirrorScope {
  return {
    tenantId,
    userIds,
    calendars: 'busy',
    where: and(ne(externalEvents.transparency, 'transparent'), ne(externalEvents.showAs, 'free')),
  };
}

/** Outlook's show-as where the provider has one; Google's tentative status reads as tentative. */
function blockStateOf(showAs: MirrorRow['showAs'], status: MirrorRow['status']): BlockState {
  if (showAs === 'oof') return 'out_of_office';
  if (showAs === 'working_elsewhere') return 'working_elsewhere';
  if (showAs === 'tentative' || status === 'tentative') return 'tentative';
  return 'busy';
}

/** An invitation the calendar's owner declined leaves their time free, as Google's free/busy does. */
function declinedByOwner(declinedEmails: string[] | null, accountEmail: string): boolean {
  if (!declinedEmails) return false;
  const self = accountEmail.toLowerCase();
  return declinedEmails.some((email) => email.toLowerCase() === self);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
