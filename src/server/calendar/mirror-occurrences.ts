import { and, eq, gt, gte, isNotNull, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { anyOfIds, asPrepared } from '@/server/db/prepared';
import { calendarConnections, calendars, externalEvents } from '@/server/db/schema';
import { seriesOccurrences, type SeriesStart } from './recurrence-expansion';

const DAY_MS = 86_400_000;

/**
 * Whose mirrored events to read. `shown`: the calendars their owners show (the Calendar page);
 * `busy`: the calendars that count against their owners' time, shown or hidden (availability).
 */
export interface MirrorScope {
  tenantId: string;
  userIds: string[];
  calendars: 'shown' | 'busy';
  /** A further test on the rows (availability leaves out events marked free). */
  where?: SQL;
}

/** A stored mirror row, with whose calendar it is in. */
export type MirrorRow = Awaited<ReturnType<typeof selectEvents>>[number] & {
  userId: string;
  accountEmail: string;
};

/** One occurrence of a mirrored event: the row itself, or one instance of a series master. */
export interface MirrorOccurrence {
  row: MirrorRow;
  /** Unique per occurrence: the row id, plus the occurrence start for expanded series. */
  id: string;
  start: Date;
  end: Date;
  /** All-day occurrences: their dates (end exclusive), which callers place in a zone. */
  startDate: string | null;
  endDate: string | null;
}

/**
 * Every occurrence in the scope's calendars that may touch [from, to), from the mirror only (no
 * provider call; DESIGN.md §4 rule 1). Cancelled rows never count. Series masters are expanded in
 * their own zone; an exception, moved or cancelled instance replaces the occurrence it stands for.
 * All-day rows sit at 00:00 UTC, so a day either side is read: callers make the exact test in the
 * zone that matters to them.
 */
export async function readMirrorOccurrences(
  db: Executor,
  scope: MirrorScope,
  from: Date,
  to: Date,
): Promise<MirrorOccurrence[]> {
  if (scope.userIds.length === 0) return [];
  const wideFrom = new Date(from.getTime() - DAY_MS);
  const wideTo = new Date(to.getTime() + DAY_MS);
  const rows = await readMirrorRows(db, scope, from, to);
  const masters = rows.filter((row) => row.recurrence !== null);
  const replaced = await replacedOccurrences(
    db,
    scope.tenantId,
    masters.map((row) => ({
      calendarId: row.calendarId,
      length: row.endAt.getTime() - row.startAt.getTime(),
    })),
    wideFrom,
    wideTo,
  );

  const occurrences: MirrorOccurrence[] = [];
  for (const row of rows) {
    if (row.recurrence === null) {
      occurrences.push({
        row,
        id: row.id,
        start: row.startAt,
        end: row.endAt,
        startDate: row.startDate,
        endDate: row.endDate,
      });
      continue;
    }
    const length = row.endAt.getTime() - row.startAt.getTime();
    const start: SeriesStart =
      row.allDay && row.startDate
        ? { kind: 'allDay', startDate: row.startDate }
        : { kind: 'timed', start: row.startAt, timeZone: row.timeZone };
    const skip = replaced.get(`${row.calendarId}|${row.externalId}`);
    for (const occurrence of occurrencesOf(
      row.recurrence,
      start,
      new Date(wideFrom.getTime() - length),
      wideTo,
    )) {
      if (skip?.has(occurrence.getTime())) continue;
      const end = new Date(occurrence.getTime() + length);
      occurrences.push(
        row.allDay
          ? {
              row,
              id: `${row.id}:${isoDate(occurrence)}`,
              start: occurrence,
              end,
              startDate: isoDate(occurrence),
              endDate: isoDate(end),
            }
          : {
              row,
              id: `${row.id}:${occurrence.getTime()}`,
              start: occurrence,
              end,
              startDate: null,
              endDate: null,
            },
      );
    }
  }
  return occurrences;
}

/**
 * The stored rows (one-off events and series masters, unexpanded) that may have an occurrence in
 * [from, to): readMirrorOccurrences' reads, alone (the bench times them as the bare SQL).
 */
export function readMirrorRows(db: Executor, scope: MirrorScope, from: Date, to: Date): Promise<MirrorRow[]> {
  return selectRowsTouching(db, scope, new Date(from.getTime() - DAY_MS), new Date(to.getTime() + DAY_MS));
}

/**
 * The longest a one-off event can last and still be found by its start alone. Keep it equal to
 * the `external_events_long_end_idx` predicate in the schema, or that index goes unused.
 */
const SHORT_EVENT = sql.raw(`interval '1 day'`);

/**
 * Rows that may have an occurrence in [from, to). The scope's calendars are read first, so the
 * events are found by calendar id through an index bounded at both ends, instead of every row that
 * starts before `to`: one-off events of up to a day by their start (within a day before `from`),
 * longer one-off events by their end (a partial index), and series masters (a partial index),
 * whose occurrences are worked out afterwards.
 */
async function selectRowsTouching(
  db: Executor,
  scope: MirrorScope,
  from: Date,
  to: Date,
): Promise<MirrorRow[]> {
  const owned = await ownedCalendars(db, scope);
  if (owned.length === 0) return [];
  const ownerOf = new Map(owned.map((row) => [row.calendarId, row]));
  const calendarIds = [...ownerOf.keys()];
  const parts = touchingParts(from, to);
  const part = (condition: SQL | undefined) =>
    selectEvents(db, and(inScopeCalendars(scope, calendarIds), condition));
  const rows = await part(parts.short).unionAll(part(parts.long)).unionAll(part(parts.series));
  // Filled in place: a copy of each of thousands of rows is garbage the next read pays for.
  for (const row of rows as MirrorRow[]) {
    const owner = ownerOf.get(row.calendarId);
    row.userId = owner?.userId ?? '';
    row.accountEmail = owner?.accountEmail ?? '';
  }
  return rows as MirrorRow[];
}

/** The scope's calendars, with whose they are and the account they were connected as. */
export function ownedCalendars(
  db: Executor,
  scope: MirrorScope,
): Promise<{ calendarId: string; userId: string; accountEmail: string }[]> {
  return asPrepared(
    db
      .select({
        calendarId: calendars.id,
        userId: calendarConnections.userId,
        accountEmail: calendarConnections.accountEmail,
      })
      .from(calendars)
      .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
      .where(
        and(
          eq(calendars.tenantId, scope.tenantId),
          eq(calendarConnections.tenantId, scope.tenantId),
          anyOfIds(calendarConnections.userId, scope.userIds),
          scope.calendars === 'shown' ? eq(calendars.show, true) : eq(calendars.busy, true),
        ),
      ),
    'owned_calendars',
  );
}

/**
 * Rows of these calendars (of the scope) that count at all: not cancelled, and the scope's own test.
 * The calendars go as one array parameter, not one parameter each: a read of thirty people's
 * calendars repeats the list in each of its three parts, and building, sending and binding a
 * couple of hundred parameters showed in availability's profile. The plan is the same (PostgreSQL
 * turns an IN list into `= ANY(array)` itself). Or an expression giving that array, worked out in
 * the same statement (availability's busy-mirror.ts).
 */
export function inScopeCalendars(scope: MirrorScope, calendarIds: string[] | SQL): SQL | undefined {
  return and(
    eq(externalEvents.tenantId, scope.tenantId),
    Array.isArray(calendarIds)
      ? anyOfIds(externalEvents.calendarId, calendarIds)
      : sql`${externalEvents.calendarId} = any(${calendarIds})`,
    ne(externalEvents.status, 'cancelled'),
    scope.where,
  );
}

/**
 * The three parts of the rows that may have an occurrence in [from, to), each bounded at both ends
 * by an index: one-off events of up to a day by their start (within a day before `from`), longer
 * one-off events by their end (a partial index), and series masters (a partial index), whose
 * occurrences are worked out afterwards. Their predicates match the partial indexes' exactly.
 */
export function touchingParts(from: Date, to: Date): { short: SQL; long: SQL; series: SQL } {
  const length = sql`${externalEvents.endAt} - ${externalEvents.startAt}`;
  const oneOff = isNull(externalEvents.recurrence);
  return {
    short: and(
      oneOff,
      sql`${length} <= ${SHORT_EVENT}`,
      gte(externalEvents.startAt, new Date(from.getTime() - DAY_MS)),
      lt(externalEvents.startAt, to),
      gt(externalEvents.endAt, from),
    ) as SQL,
    long: and(
      oneOff,
      sql`${length} > ${SHORT_EVENT}`,
      gt(externalEvents.endAt, from),
      lt(externalEvents.startAt, to),
    ) as SQL,
    series: and(
      isNotNull(externalEvents.recurrence),
      lt(externalEvents.startAt, to),
      or(isNull(externalEvents.seriesEndAt), gt(externalEvents.seriesEndAt, from)),
    ) as SQL,
  };
}

function selectEvents(db: Executor, condition: SQL | undefined) {
  return db
    .select({
      id: externalEvents.id,
      calendarId: externalEvents.calendarId,
      externalId: externalEvents.externalId,
      icalUid: externalEvents.icalUid,
      tandemMeetingId: externalEvents.tandemMeetingId,
      title: externalEvents.title,
      location: externalEvents.location,
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
    })
    .from(externalEvents)
    .where(condition);
}

/**
 * Per series (calendar|master id): original starts that an exception, moved or cancelled instance
 * replaces, for the masters read (their calendars and lengths) over [from, to).
 */
export async function replacedOccurrences(
  db: Executor,
  tenantId: string,
  masters: { calendarId: string; length: number }[],
  from: Date,
  to: Date,
): Promise<Map<string, Set<number>>> {
  const replaced = new Map<string, Set<number>>();
  if (masters.length === 0) return replaced;
  let longest = 0;
  for (const master of masters) longest = Math.max(longest, master.length);
  // Every exception, whatever its own status or transparency: each replaces its occurrence. All of
  // the calendars' exceptions in the window are read (they are few), not a list of every master.
  const exceptions = await db
    .select({
      calendarId: externalEvents.calendarId,
      seriesExternalId: externalEvents.seriesExternalId,
      originalStartAt: externalEvents.originalStartAt,
    })
    .from(externalEvents)
    .where(
      and(
        eq(externalEvents.tenantId, tenantId),
        anyOfIds(externalEvents.calendarId, [...new Set(masters.map((row) => row.calendarId))]),
        isNotNull(externalEvents.seriesExternalId),
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

/**
 * replacedOccurrences without waiting for the masters, so the two reads go together: the
 * exceptions of all these calendars (of the scope) whose original start may match an occurrence
 * of a series master touching [from, to) — from the longest such master's length before `from`
 * (worked out in the same statement, with a day to spare for how the session's zone counts an
 * interval's days) to `to`. Exceptions of calendars without a master, or earlier than any
 * occurrence looked up, are read for nothing but change nothing: only masters look theirs up,
 * by calendar, series and exact start.
 */
export async function replacedOccurrencesIn(
  db: Executor,
  scope: MirrorScope,
  calendarIds: string[],
  from: Date,
  to: Date,
): Promise<Map<string, Set<number>>> {
  const replaced = new Map<string, Set<number>>();
  if (calendarIds.length === 0) return replaced;
  const e = externalEvents;
  const longest = sql`(select coalesce(max(${e.endAt} - ${e.startAt}), interval '0') from ${e} where ${and(
    inScopeCalendars(scope, calendarIds),
    touchingParts(from, to).series,
  )})`;
  const exceptions = await asPrepared(
    db
      .select({
        calendarId: e.calendarId,
        seriesExternalId: e.seriesExternalId,
        originalStartAt: e.originalStartAt,
      })
      .from(e)
      .where(
        and(
          eq(e.tenantId, scope.tenantId),
          anyOfIds(e.calendarId, calendarIds),
          isNotNull(e.seriesExternalId),
          sql`${e.originalStartAt} >= ${sql.param(from, e.originalStartAt)}::timestamptz - ${longest} - interval '1 day'`,
          lt(e.originalStartAt, to),
        ),
      ),
    'replaced_occurrences_in',
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

const expansions = new Map<string, Date[]>();
const MAX_CACHED_EXPANSIONS = 50_000;

/** Forgets every remembered expansion: the bench's cold reads, which must pay for expanding again. */
export function clearExpansionCache(): void {
  expansions.clear();
}

/**
 * seriesOccurrences, remembered: expansion is a pure function of the series and the window, and
 * the Calendar page, the grid, the suggestions and the clash check ask for the same weeks again
 * and again. rrule walks every series from its first occurrence, so an old series costs more each year.
 */
export function occurrencesOf(recurrence: string[], start: SeriesStart, from: Date, to: Date): Date[] {
  const origin =
    start.kind === 'allDay' ? start.startDate : `${start.start.getTime()}@${start.timeZone ?? ''}`;
  const key = `${recurrence.join('\n')}|${origin}|${from.getTime()}|${to.getTime()}`;
  let found = expansions.get(key);
  if (!found) {
    found = seriesOccurrences({ recurrence, start }, from, to);
    if (expansions.size >= MAX_CACHED_EXPANSIONS) expansions.clear();
    expansions.set(key, found);
  }
  return found;
}

function isoDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
