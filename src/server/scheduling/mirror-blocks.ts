import { and, ne } from 'drizzle-orm';
import {
  readMirrorOccurrences,
  type MirrorRow,
  type MirrorScope,
} from '@/server/calendar/mirror-occurrences';
import type { Executor } from '@/server/db/client';
import { externalEvents } from '@/server/db/schema';
import { wallTimeToInstant } from '@/server/time/zones';
import type { Block, BlockState } from './timeline';

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
  const occurrences = await readMirrorOccurrences(db, busyMirrorScope(tenantId, [...zones.keys()]), from, to);
  const blocks: MirrorBlock[] = [];
  const declined = new Map<MirrorRow, boolean>();
  for (const { row, start, end, startDate, endDate } of occurrences) {
    let isDeclined = declined.get(row);
    if (isDeclined === undefined) declined.set(row, (isDeclined = declinedByOwner(row)));
    if (isDeclined) continue;
    const zone = zones.get(row.userId) ?? 'UTC';
    const [blockStart, blockEnd] =
      row.allDay && startDate && endDate
        ? [localMidnight(startDate, zone), localMidnight(endDate, zone)]
        : [start.getTime(), end.getTime()];
    if (blockEnd <= from.getTime() || blockStart >= to.getTime()) continue;
    blocks.push({
      userId: row.userId,
      start: blockStart,
      end: blockEnd,
      state: blockStateOf(row.showAs, row.status),
      ...(row.title === null ? {} : { title: row.title }),
      tandemMeetingId: row.tandemMeetingId,
      icalUid: row.icalUid,
    });
  }
  return blocks;
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
function declinedByOwner(row: MirrorRow): boolean {
  const self = row.accountEmail.toLowerCase();
  return row.attendees.some(
    (attendee) => attendee.email.toLowerCase() === self && attendee.response === 'declined',
  );
}

function localMidnight(date: string, zone: string): number {
  return wallTimeToInstant(date, '00:00:00', zone).getTime();
}
