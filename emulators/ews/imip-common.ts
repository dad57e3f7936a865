import type { ImipEvent, ImipRecurrenceId, PartStat } from '../shared/imip';
import { windowsZoneOf } from './store';
import type { CalendarItemRecord, MailboxRecord, ResponseType } from './store-types';

/** What the inbound iMIP handlers (imip-inbound.ts, imip-answers.ts) read from a message alike. */

export const RESPONSE_OF: Record<PartStat, ResponseType> = {
  ACCEPTED: 'Accept',
  TENTATIVE: 'Tentative',
  DECLINED: 'Decline',
  'NEEDS-ACTION': 'Unknown',
};

export function itemWithUid(mailbox: MailboxRecord, uid: string): CalendarItemRecord | undefined {
  return [...mailbox.items.values()].find((item) => item.uid === uid);
}

/** The occurrence key EWS keeps on a master: the original start as a UTC ISO instant. */
export function occurrenceKey(id: ImipRecurrenceId): string {
  return id.kind === 'allDay' ? `${id.date}T00:00:00.000Z` : id.at.toISOString();
}

export function timesOf(
  event: ImipEvent,
): Pick<CalendarItemRecord, 'start' | 'end' | 'isAllDay' | 'timeZone'> {
  const time = event.time;
  if (time.kind === 'allDay')
    return {
      start: new Date(`${time.startDate}T00:00:00Z`),
      end: new Date(`${time.endDate}T00:00:00Z`),
      isAllDay: true,
      timeZone: 'UTC',
    };
  return { start: time.start, end: time.end, isAllDay: false, timeZone: windowsZoneOf(time.timeZone) };
}
