import { and, ne } from 'drizzle-orm';
import { occurrencesOf, type MirrorScope } from '@/server/calendar/mirror-occurrences';
import type { SeriesStart } from '@/server/calendar/recurrence-expansion';
import type { Executor } from '@/server/db/client';
import { externalEvents } from '@/server/db/schema';
import { wallTimeToInstant } from '@/server/time/zones';
import { readBusyMirror, type BusyMirror } from './busy-mirror';
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
 * availability needs (busy-mirror.ts): decoding thousands of full rows cost more than the rest of
 * availability together.
 */
export async function readMirrorBlocks(
  db: Executor,
  tenantId: string,
  zones: Map<string, string>,
  from: Date,
  to: Date,
  options: { titlesFor?: string } = {},
): Promise<MirrorBlock[]> {
  const mirror = await readBusyMirror(db, busyMirrorScope(tenantId, [...zones.keys()]), from, to, options);
  return mirrorBlocksOf(mirror, zones, from.getTime(), to.getTime());
}

/**
 * readMirrorBlocks' blocks from what readBusyMirror read (availability reads it alongside the
 * people, before it knows their zones): each row's occurrences that touch [from, to), placed in
 * its owner's zone when all-day. A plain loop over thousands of rows, with no function made per row.
 */
export function mirrorBlocksOf(
  mirror: BusyMirror,
  zones: Map<string, string>,
  from: number,
  to: number,
): MirrorBlock[] {
  const { calendars, rows, replaced } = mirror;
  const wideFrom = from - DAY_MS;
  const wideTo = new Date(to + DAY_MS);
  const places = new LocalMidnights();
  const blocks: MirrorBlock[] = [];
  for (const row of rows) {
    const [calendar, startMs, endMs, allDay, startDate, endDate, state, icalUid, tandemMeetingId, title] =
      row;
    const owner = calendars[calendar];
    if (!owner || declinedByOwner(row[10], owner.accountEmail)) continue;
    const zone = zones.get(owner.userId) ?? 'UTC';
    const recurrence = row[13];
    if (!recurrence) {
      const placed = allDay && startDate !== null && endDate !== null;
      const start = placed ? places.of(startDate, zone) : startMs;
      const end = placed ? places.of(endDate, zone) : endMs;
      if (end > from && start < to)
        blocks.push(blockOf(owner.userId, start, end, state, title, tandemMeetingId, icalUid));
      continue;
    }
    const length = endMs - startMs;
    const seriesStart: SeriesStart =
      allDay && startDate
        ? { kind: 'allDay', startDate }
        : { kind: 'timed', start: new Date(startMs), timeZone: row[12] ?? null };
    const skip = replaced.get(`${calendar}|${row[11]}`);
    for (const occurrence of occurrencesOf(recurrence, seriesStart, new Date(wideFrom - length), wideTo)) {
      const at = occurrence.getTime();
      if (skip?.has(at)) continue;
      const start = allDay ? places.of(isoDate(at), zone) : at;
      const end = allDay ? places.of(isoDate(at + length), zone) : at + length;
      if (end > from && start < to)
        blocks.push(blockOf(owner.userId, start, end, state, title, tandemMeetingId, icalUid));
    }
  }
  return blocks;
}

function blockOf(
  userId: string,
  start: number,
  end: number,
  state: BlockState,
  title: string | null,
  tandemMeetingId: string | null,
  icalUid: string | null,
): MirrorBlock {
  return title === null
    ? { userId, start, end, state, tandemMeetingId, icalUid }
    : { userId, start, end, state, title, tandemMeetingId, icalUid };
}

/** A date's 00:00 in a zone, each worked out once per read (all-day rows share a few dates). */
class LocalMidnights {
  private readonly known = new Map<string, number>();

  of(date: string, zone: string): number {
    const key = `${date}|${zone}`;
    let instant = this.known.get(key);
    if (instant === undefined)
      this.known.set(key, (instant = wallTimeToInstant(date, '00:00:00', zone).getTime()));
    return instant;
  }
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

/** An invitation the calendar's owner declined leaves their time free, as Google's free/busy does. */
function declinedByOwner(declinedEmails: string[] | null, accountEmail: string): boolean {
  if (!declinedEmails) return false;
  const self = accountEmail.toLowerCase();
  return declinedEmails.some((email) => email.toLowerCase() === self);
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
