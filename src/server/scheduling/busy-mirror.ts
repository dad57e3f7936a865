import { and, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { inScopeCalendars, touchingParts, type MirrorScope } from '@/server/calendar/mirror-occurrences';
import type { Executor } from '@/server/db/client';
import { anyOfIds, asPrepared } from '@/server/db/prepared';
import { calendarConnections, calendars, externalEvents } from '@/server/db/schema';
import type { BlockState } from './timeline';

const DAY_MS = 86_400_000;

/** A busy calendar of the people read: whose it is and the address it was connected as. */
export interface BusyCalendar {
  userId: string;
  accountEmail: string;
}

/**
 * One stored row as availability reads it (the statement's json_build_array, in this order). The
 * calendar is its index in `BusyMirror.calendars`, not its UUID: thousands of 36-character
 * strings were a good part of parsing the rows and of the garbage left after. Series masters
 * alone carry the last three.
 */
export type BusyRow = [
  calendar: number,
  startMs: number,
  endMs: number,
  allDay: boolean,
  startDate: string | null,
  endDate: string | null,
  state: BlockState,
  icalUid: string | null,
  tandemMeetingId: string | null,
  title: string | null,
  declinedEmails: string[] | null,
  externalId?: string,
  timeZone?: string | null,
  recurrence?: string[],
];

/** What availability reads of the mirror in one statement. */
export interface BusyMirror {
  calendars: BusyCalendar[];
  /** One-off events and series masters (unexpanded) that may touch the window. */
  rows: BusyRow[];
  /**
   * Per series (`calendar index|master's external id`): the original starts an exception, moved or
   * cancelled instance replaces.
   */
  replaced: Map<string, Set<number>>;
}

/**
 * The people's busy calendars (shown or hidden), their rows that may touch [from, to) (a day
 * either side, as readMirrorRows reads: all-day rows sit at 00:00 UTC) and the series' exceptions,
 * in one statement and one round trip: the calendars are not read first and sent back, they are a
 * CTE the rows are found by (`= any(array)`, so each part is still bounded at both ends by its
 * index). The same rows, tests and exceptions as readMirrorRows and replacedOccurrencesIn.
 *
 * Instants come as epoch milliseconds, the state already decided (Outlook's show-as where there is
 * one; Google's tentative status reads as tentative), of the attendees only the addresses that
 * declined, and titles only for `titlesFor`'s calendars (the viewer's own).
 */
export async function readBusyMirror(
  db: Executor,
  scope: MirrorScope,
  from: Date,
  to: Date,
  options: { titlesFor?: string } = {},
): Promise<BusyMirror> {
  if (scope.userIds.length === 0) return { calendars: [], rows: [], replaced: new Map() };
  const wideFrom = new Date(from.getTime() - DAY_MS);
  const wideTo = new Date(to.getTime() + DAY_MS);
  const e = externalEvents;
  // The calendars' ids as one array (from the statement's FROM): the index scans take it as a
  // plain `= any(array)`, and a row's calendar is its position in it.
  const ids = sql`busy.calendar_ids`;
  const titled = sql`busy.titled_ids`;
  const calendarOf = sql`array_position(${ids}, ${e.calendarId}) - 1`;
  const title =
    options.titlesFor === undefined
      ? sql`null::text`
      : sql`case when ${e.calendarId} = any(${titled}) then ${e.title} end`;
  const state = sql`case when ${e.showAs} = 'oof' then 'out_of_office' when ${e.showAs} = 'working_elsewhere' then 'working_elsewhere' when ${e.showAs} = 'tentative' or ${e.status} = 'tentative' then 'tentative' else 'busy' end`;
  // Containment first: it is cheap, and most rows have no declined attendee to list.
  const declined = sql`case when ${e.attendees} @> '[{"response":"declined"}]' then array(select a->>'email' from jsonb_array_elements(${e.attendees}) a where a->>'response' = 'declined') end`;
  const common = sql`${calendarOf}, ${epochMs(e.startAt)}, ${epochMs(e.endAt)}, ${e.allDay}, ${e.startDate}, ${e.endDate}, ${state}, ${e.icalUid}, ${e.tandemMeetingId}, ${title}, ${declined}`;
  const parts = touchingParts(wideFrom, wideTo);
  const inScope = inScopeCalendars(scope, ids);
  const part = (columns: SQL, condition: SQL) =>
    sql`select json_build_array(${columns}) as r from ${e} where ${and(inScope, condition)}`;
  const rows = sql`select coalesce(json_agg(parts.r), '[]'::json) from (${part(common, parts.short)} union all ${part(
    common,
    parts.long,
  )} union all ${part(sql`${common}, ${e.externalId}, ${e.timeZone}, ${e.recurrence}`, parts.series)}) parts`;
  // Every exception, whatever its own status or transparency: each replaces its occurrence. From
  // the longest touching master's length before the window (a day to spare for how the session's
  // zone counts an interval's days), as replacedOccurrencesIn reads them.
  const longest = sql`(select coalesce(max(${e.endAt} - ${e.startAt}), interval '0') from ${e} where ${and(
    inScope,
    parts.series,
  )})`;
  const exceptions = sql`select coalesce(json_agg(json_build_array(${calendarOf}, ${e.seriesExternalId}, ${epochMs(
    e.originalStartAt,
  )})), '[]'::json) from ${e} where ${and(
    eq(e.tenantId, scope.tenantId),
    sql`${e.calendarId} = any(${ids})`,
    sql`${e.seriesExternalId} is not null`,
    sql`${e.originalStartAt} >= ${sql.param(wideFrom, e.originalStartAt)}::timestamptz - ${longest} - interval '1 day'`,
    sql`${e.originalStartAt} < ${sql.param(wideTo, e.originalStartAt)}`,
  )}`;
  const [result] = await asPrepared(
    db
      .select({
        calendars: sql<[string, string][]>`busy.calendars`,
        rows: sql<BusyRow[]>`(${rows})`,
        exceptions: sql<[number, string, number][]>`(${exceptions})`,
      })
      .from(sql`(${busyCalendars(scope, options.titlesFor)}) busy`),
    'busy_mirror',
  );
  if (!result) return { calendars: [], rows: [], replaced: new Map() };
  const replaced = new Map<string, Set<number>>();
  for (const [calendar, seriesExternalId, originalStartMs] of result.exceptions) {
    const key = `${calendar}|${seriesExternalId}`;
    let starts = replaced.get(key);
    if (!starts) replaced.set(key, (starts = new Set()));
    starts.add(originalStartMs);
  }
  return {
    calendars: result.calendars.map(([userId, accountEmail]) => ({ userId, accountEmail })),
    rows: result.rows,
    replaced,
  };
}

/**
 * The scope's calendars (as ownedCalendars reads them) as one row: their ids in order (a row's
 * calendar is its position there), those of `titlesFor`, and whose each is.
 */
function busyCalendars(scope: MirrorScope, titlesFor: string | undefined): SQL {
  const c = calendars;
  const cc = calendarConnections;
  const titled =
    titlesFor === undefined
      ? sql`null::uuid[]`
      : sql`array_agg(${c.id} order by ${c.id}) filter (where ${cc.userId} = ${titlesFor})`;
  return sql`select coalesce(array_agg(${c.id} order by ${c.id}), '{}'::uuid[]) as calendar_ids, ${titled} as titled_ids, coalesce(json_agg(json_build_array(${cc.userId}, ${cc.accountEmail}) order by ${c.id}), '[]'::json) as calendars from ${c} inner join ${cc} on ${eq(cc.id, c.connectionId)} where ${and(
    eq(c.tenantId, scope.tenantId),
    eq(cc.tenantId, scope.tenantId),
    anyOfIds(cc.userId, scope.userIds),
    scope.calendars === 'shown' ? eq(c.show, true) : eq(c.busy, true),
  )}`;
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
