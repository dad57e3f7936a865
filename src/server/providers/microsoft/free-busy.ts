import { ProviderBadRequestError } from '../errors';
import type { BusyInterval, FreeBusyResult, ShowAs, TimeWindow } from '../types';
import { valueListOf } from './errors';
import { instantOf, type GraphDateTimeTimeZone } from './event-mapping';
import type { GraphSession } from './graph-session';

/**
 * getSchedule for work accounts of the same organisation. Personal accounts have no getSchedule
 * (Graph refuses it): their free/busy comes from the mirror, so the answer is `not_available`.
 */

interface ScheduleInformation {
  scheduleId: string;
  scheduleItems?: { status: string; start: GraphDateTimeTimeZone; end: GraphDateTimeTimeZone }[];
  error?: { message?: string; responseCode?: string };
}

const SHOW_AS: Record<string, ShowAs> = {
  tentative: 'tentative',
  busy: 'busy',
  oof: 'oof',
  workingElsewhere: 'working_elsewhere',
  unknown: 'unknown',
};
/** Graph takes at most 20 schedules per call. */
const CHUNK = 20;

const utc = (date: Date) => ({ dateTime: date.toISOString().replace(/Z$/, ''), timeZone: 'UTC' });

export async function readFreeBusy(
  session: GraphSession,
  accountKind: 'work' | 'personal',
  accounts: string[],
  window: TimeWindow,
): Promise<Map<string, FreeBusyResult>> {
  const result = new Map<string, FreeBusyResult>();
  if (accountKind === 'personal') {
    for (const account of accounts) result.set(account, { ok: false, reason: 'not_available' });
    return result;
  }
  for (let index = 0; index < accounts.length; index += CHUNK) {
    const chunk = accounts.slice(index, index + CHUNK);
    let answer: { value: ScheduleInformation[] };
    try {
      answer = await session.call(
        'get schedule',
        () =>
          session.api(`${session.mailbox}/calendar/getSchedule`).post({
            schedules: chunk,
            startTime: utc(window.start),
            endTime: utc(window.end),
            availabilityViewInterval: 15,
          }) as Promise<{ value: ScheduleInformation[] }>,
      );
    } catch (error) {
      if (!(error instanceof ProviderBadRequestError)) throw error;
      for (const account of chunk) result.set(account, { ok: false, reason: 'not_available' });
      continue;
    }
    for (const account of chunk) {
      const info = valueListOf(answer, 'get schedule').find(
        (item) => item.scheduleId.toLowerCase() === account.toLowerCase(),
      );
      if (!info || info.error) {
        const notFound = !info || /NotFound|InvalidUser/i.test(info.error?.responseCode ?? '');
        result.set(account, { ok: false, reason: notFound ? 'not_found' : 'not_available' });
        continue;
      }
      const busy: BusyInterval[] = (info.scheduleItems ?? [])
        .filter((item) => item.status !== 'free')
        .map((item) => ({
          start: instantOf(item.start),
          end: instantOf(item.end),
          showAs: SHOW_AS[item.status] ?? 'busy',
        }));
      result.set(account, { ok: true, busy });
    }
  }
  return result;
}
