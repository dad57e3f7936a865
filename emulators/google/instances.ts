/**
 * Instances of recurring series. Google gives each instance an id `<masterId>_<originalStart>`;
 * unmodified instances exist only virtually (built from the master), modified or cancelled ones
 * are stored as exceptions with `recurringEventId` and `originalStartTime`.
 */
import { addDays, instanceSuffix, instantMs, parseInstanceId } from './event-time';
import { expandOccurrences, type Occurrence } from './recurrence';
import type { CalendarState, GEvent, StoredEvent } from './types';

const DAY = 86_400_000;
/** Unbounded series are expanded at most this far past now (or past their start, if later). */
const HORIZON_MS = 2 * 365 * DAY;

/** Where to stop expanding `master` when the request gives no upper bound. */
export function expansionLimit(master: GEvent, calendarZone: string, nowMs: number): number {
  return Math.max(nowMs, instantMs(master.start, calendarZone)) + HORIZON_MS;
}

/** The virtual instance of `master` at `occurrence`. */
export function buildInstance(master: GEvent, occurrence: Occurrence, calendarZone: string): GEvent {
  const id = `${master.id}_${instanceSuffix(occurrence.originalStart)}`;
  const { recurrence: _recurrence, ...rest } = master;
  if (master.start.date) {
    const days = Math.round((instantMs(master.end, 'UTC') - instantMs(master.start, 'UTC')) / DAY);
    const startDate = occurrence.originalStart.date ?? '';
    return {
      ...rest,
      id,
      recurringEventId: master.id,
      originalStartTime: occurrence.originalStart,
      start: { date: startDate },
      end: { date: addDays(startDate, days) },
    };
  }
  const duration = instantMs(master.end, calendarZone) - instantMs(master.start, calendarZone);
  return {
    ...rest,
    id,
    recurringEventId: master.id,
    originalStartTime: occurrence.originalStart,
    start: { ...occurrence.originalStart },
    end: {
      dateTime: new Date(occurrence.startMs + duration).toISOString(),
      ...(master.end.timeZone ? { timeZone: master.end.timeZone } : {}),
    },
  };
}

export type Resolved =
  { kind: 'stored'; stored: StoredEvent } | { kind: 'virtual'; master: StoredEvent; instance: GEvent };

/** A stored event, or the virtual instance an instance id names (null when neither exists). */
export function resolveEvent(calendar: CalendarState, id: string): Resolved | null {
  const stored = calendar.events.get(id);
  if (stored) return { kind: 'stored', stored };
  const parts = parseInstanceId(id);
  if (!parts) return null;
  const master = calendar.events.get(parts.masterId);
  if (!master || master.resource.status === 'cancelled' || !master.resource.recurrence) return null;
  const around = suffixMs(parts.suffix, calendar.timeZone);
  if (around === null) return null;
  const occurrence = expandOccurrences(master.resource, calendar.timeZone, around - DAY, around + DAY).find(
    (candidate) => instanceSuffix(candidate.originalStart) === parts.suffix,
  );
  return occurrence
    ? { kind: 'virtual', master, instance: buildInstance(master.resource, occurrence, calendar.timeZone) }
    : null;
}

/** Stored exceptions of a series. */
export function exceptionsOf(calendar: CalendarState, masterId: string): StoredEvent[] {
  return [...calendar.events.values()].filter((stored) => stored.resource.recurringEventId === masterId);
}

/** Every series' stored exceptions in one pass, for listings that expand many series. */
export function exceptionsByMaster(calendar: CalendarState): Map<string, StoredEvent[]> {
  const byMaster = new Map<string, StoredEvent[]>();
  for (const stored of calendar.events.values()) {
    const masterId = stored.resource.recurringEventId;
    if (masterId === undefined) continue;
    const list = byMaster.get(masterId);
    if (list) list.push(stored);
    else byMaster.set(masterId, [stored]);
  }
  return byMaster;
}

/**
 * A series' instances overlapping [fromMs, toMs): virtual ones plus stored exceptions (moved ones
 * count where they now are; cancelled ones are included only when asked). `storedExceptions`, when
 * the caller has them (see exceptionsByMaster), saves a pass over the calendar.
 */
export function seriesInstances(
  calendar: CalendarState,
  master: StoredEvent,
  fromMs: number,
  toMs: number,
  includeCancelled: boolean,
  storedExceptions: StoredEvent[] = exceptionsOf(calendar, master.resource.id),
): GEvent[] {
  const zone = calendar.timeZone;
  const duration = instantMs(master.resource.end, zone) - instantMs(master.resource.start, zone);
  const exceptions = new Map(storedExceptions.map((stored) => [stored.resource.id, stored]));
  const out = new Map<string, GEvent>();
  for (const occurrence of expandOccurrences(master.resource, zone, fromMs - duration, toMs)) {
    const instance = buildInstance(master.resource, occurrence, zone);
    const exception = exceptions.get(instance.id);
    out.set(instance.id, exception ? exception.resource : instance);
  }
  for (const exception of exceptions.values()) out.set(exception.resource.id, exception.resource);
  return [...out.values()].filter((event) => {
    if (event.status === 'cancelled') {
      if (!includeCancelled) return false;
      const original = instantMs(event.originalStartTime ?? event.start, zone);
      return original + duration > fromMs && original < toMs;
    }
    return overlaps(event, zone, fromMs, toMs);
  });
}

export function overlaps(event: GEvent, zone: string, fromMs: number, toMs: number): boolean {
  return instantMs(event.end, zone) > fromMs && instantMs(event.start, zone) < toMs;
}

function suffixMs(suffix: string, zone: string): number | null {
  const iso =
    suffix.length === 8
      ? `${suffix.slice(0, 4)}-${suffix.slice(4, 6)}-${suffix.slice(6, 8)}`
      : `${suffix.slice(0, 4)}-${suffix.slice(4, 6)}-${suffix.slice(6, 8)}T${suffix.slice(9, 11)}:${suffix.slice(11, 13)}:${suffix.slice(13, 15)}Z`;
  const ms = suffix.length === 8 ? instantMs({ date: iso }, zone) : Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
