import { DateTime } from 'luxon';
import { rrulestr } from '@/server/time/rrule';
import type { ProviderEvent, TimeWindow } from '../types';
import { valueListOf } from './errors';
import { toProviderEvent, type GraphEvent } from './event-mapping';
import type { GraphSession } from './graph-session';
import { EXPAND_TAG } from './tag-lookup';

/**
 * Graph's calendarView delta reports occurrences, never the series master, and says nothing of
 * cancelled occurrences (v1.0 has no cancelledOccurrences). The contract wants what Google and
 * CalDAV give: the master with its RRULE plus EXDATEs, and exceptions. This rebuilds it: read
 * the master, expand its rule over the window, and mark as EXDATE every expected occurrence that
 * /instances no longer lists.
 */

/** Moved exceptions may sit outside the window; look this far around it for their originals. */
const MOVE_SLACK_MS = 31 * 86_400_000;

interface InstancePage {
  value: Pick<GraphEvent, 'id' | 'originalStart' | 'type'>[];
  '@odata.nextLink'?: string;
}

/** Wall-clock fields as a UTC Date: rrule's way of expanding in a named zone without DST drift. */
function floating(at: DateTime): Date {
  return new Date(Date.UTC(at.year, at.month - 1, at.day, at.hour, at.minute, at.second));
}

function expectedStarts(master: ProviderEvent, window: TimeWindow): { key: string; line: string }[] {
  const rule = master.recurrence?.find((line) => line.startsWith('RRULE:'));
  if (!rule) return [];
  const allDay = master.time.kind === 'allDay';
  const zone = master.time.kind === 'timed' ? (master.time.timeZone ?? 'UTC') : 'UTC';
  const first =
    master.time.kind === 'timed'
      ? DateTime.fromJSDate(master.time.start).setZone(zone)
      : DateTime.fromISO(master.time.startDate, { zone: 'utc' });
  const expansion = rrulestr(rule, { dtstart: floating(first) });
  const from = floating(DateTime.fromJSDate(new Date(window.start.getTime() - 86_400_000)).setZone(zone));
  const to = floating(DateTime.fromJSDate(new Date(window.end.getTime() + 86_400_000)).setZone(zone));
  return expansion.between(from, to, true).map((date) => {
    const local = DateTime.fromObject(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
        second: date.getUTCSeconds(),
      },
      { zone },
    );
    if (allDay)
      return { key: local.toISODate() ?? '', line: `EXDATE;VALUE=DATE:${local.toFormat('yyyyMMdd')}` };
    return {
      key: String(local.toMillis()),
      line: `EXDATE;TZID=${zone}:${local.toFormat("yyyyMMdd'T'HHmmss")}`,
    };
  });
}

async function presentOriginals(
  session: GraphSession,
  masterId: string,
  window: TimeWindow,
  allDay: boolean,
): Promise<Set<string>> {
  const keys = new Set<string>();
  let next: string | null =
    `${session.eventPath(masterId)}/instances?startDateTime=${new Date(window.start.getTime() - MOVE_SLACK_MS).toISOString()}` +
    `&endDateTime=${new Date(window.end.getTime() + MOVE_SLACK_MS).toISOString()}&$select=id,originalStart,type&$top=200`;
  while (next) {
    const url: string = next;
    const page = await session.call(
      'read series instances',
      () => session.api(url).get() as Promise<InstancePage>,
    );
    for (const instance of valueListOf(page, 'read series instances')) {
      if (!instance.originalStart) continue;
      keys.add(allDay ? instance.originalStart.slice(0, 10) : String(Date.parse(instance.originalStart)));
    }
    next = page['@odata.nextLink'] ?? null;
  }
  return keys;
}

/** The series master as a ProviderEvent with RRULE and the EXDATEs of cancelled occurrences. */
export async function readSeriesMaster(
  session: GraphSession,
  masterId: string,
  window: TimeWindow,
  self: string,
): Promise<ProviderEvent> {
  const raw = await session.call(
    'read series master',
    () => session.api(`${session.eventPath(masterId)}?${EXPAND_TAG}`).get() as Promise<GraphEvent>,
  );
  const master = toProviderEvent(raw, self);
  if (raw.type !== 'seriesMaster' || !master.recurrence) return master;
  const present = await presentOriginals(session, masterId, window, master.time.kind === 'allDay');
  const exdates = expectedStarts(master, window).filter((expected) => !present.has(expected.key));
  return { ...master, recurrence: [...master.recurrence, ...exdates.map((expected) => expected.line)] };
}
