/**
 * freebusy.query: `POST /calendar/v3/freeBusy {timeMin, timeMax, items:[{id}]}` →
 * `{kind:"calendar#freeBusy", timeMin, timeMax, calendars:{id:{busy:[{start,end}]}}}`; a calendar
 * the caller may not see (unknown here) gets `errors:[{domain:"global",reason:"notFound"}]`.
 * Emulated accounts share one domain, so everyone may read everyone's free/busy, as in a
 * Workspace tenant. Busy = confirmed or tentative, opaque, not declined by the owner; merged.
 */
import { z } from 'zod';
import { apiErrors } from './api-errors';
import { formatRfc3339, instantMs, parseRfc3339 } from './event-time';
import { seriesInstances } from './instances';
import type { GoogleStore } from './store';
import type { CalendarState, GEvent } from './types';

const bodySchema = z.object({
  timeMin: z.string(),
  timeMax: z.string(),
  timeZone: z.string().optional(),
  groupExpansionMax: z.number().int().optional(),
  calendarExpansionMax: z.number().int().max(50).optional(),
  items: z.array(z.object({ id: z.string() })).max(50),
});

export function queryFreeBusy(store: GoogleStore, input: unknown): unknown {
  const parsed = bodySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    if (issue?.code === 'invalid_type' && issue.input === undefined) throw apiErrors.required(path);
    throw apiErrors.badRequest(`Invalid value for: ${path}`, path);
  }
  const from = parseRfc3339(parsed.data.timeMin);
  const to = parseRfc3339(parsed.data.timeMax);
  if (from === null) throw apiErrors.badRequest('Invalid value for: timeMin', 'timeMin');
  if (to === null) throw apiErrors.badRequest('Invalid value for: timeMax', 'timeMax');
  if (to <= from) throw apiErrors.timeRangeEmpty('timeMax');
  const zone = parsed.data.timeZone ?? 'UTC';

  const calendars: Record<string, unknown> = {};
  for (const { id } of parsed.data.items) {
    const calendar = store.calendars.get(id.toLowerCase()) ?? store.calendars.get(id);
    calendars[id] = calendar
      ? {
          busy: busyIntervals(calendar, from, to).map(([start, end]) => ({
            start: formatRfc3339(start, zone),
            end: formatRfc3339(end, zone),
          })),
        }
      : { errors: [{ domain: 'global', reason: 'notFound' }] };
  }
  return {
    kind: 'calendar#freeBusy',
    timeMin: formatRfc3339(from, 'UTC'),
    timeMax: formatRfc3339(to, 'UTC'),
    calendars,
  };
}

function busyIntervals(calendar: CalendarState, from: number, to: number): [number, number][] {
  const zone = calendar.timeZone;
  const events: GEvent[] = [];
  for (const stored of calendar.events.values()) {
    const event = stored.resource;
    if (event.recurringEventId && calendar.events.has(event.recurringEventId)) continue; // with its series
    if (event.recurrence) {
      if (event.status !== 'cancelled') events.push(...seriesInstances(calendar, stored, from, to, false));
    } else events.push(event);
  }
  const intervals = events
    .filter((event) => isBusy(event, calendar.ownerEmail))
    .map((event): [number, number] => [
      Math.max(from, instantMs(event.start, zone)),
      Math.min(to, instantMs(event.end, zone)),
    ])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const interval of intervals) {
    const last = merged.at(-1);
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1]);
    else merged.push([...interval]);
  }
  return merged;
}

function isBusy(event: GEvent, owner: string): boolean {
  if (event.status === 'cancelled' || event.transparency === 'transparent') return false;
  const self = event.attendees?.find((attendee) => attendee.email === owner);
  return self?.responseStatus !== 'declined';
}
