import type { EventInput } from '@fullcalendar/core';
import type { ResourceInput } from '@fullcalendar/resource';
import type { AvailabilityState, PersonAvailability } from '@/server/scheduling/contract';
import { intervalLabel, STATE_LABELS, STATE_WEIGHT, stateClass } from './availability-states';

export const ALL_ATTENDEES_ID = 'all-attendees';

/** What a row header shows (see RowLabel). */
export type RowInfo =
  | { kind: 'all'; count: number }
  | {
      kind: 'person';
      userId: string;
      role: PersonAvailability['role'];
      required: boolean;
      timeZone: string;
      lastSyncedAt: string | null;
    };

/** "All attendees" on top, then each person in the order the server gives (the viewer first). */
export function toResources(people: PersonAvailability[]): ResourceInput[] {
  return [
    {
      id: ALL_ATTENDEES_ID,
      title: 'All attendees',
      order: 0,
      extendedProps: { info: { kind: 'all', count: people.length } satisfies RowInfo },
    },
    ...people.map((person, index) => ({
      id: person.userId,
      title: person.name,
      order: index + 1,
      extendedProps: {
        info: {
          kind: 'person',
          userId: person.userId,
          role: person.role,
          required: person.required,
          timeZone: person.timeZone,
          lastSyncedAt: person.lastSyncedAt,
        } satisfies RowInfo,
      },
    })),
  ];
}

interface Stretch {
  start: number;
  end: number;
  state: AvailabilityState;
  /** How many required people are not free then. */
  notFree: number;
}

/**
 * The "All attendees" row: for each stretch between any two boundaries, the worst state among the
 * required people (optional guests never block, as in the suggestions), and how many are not free.
 */
export function combineAttendees(people: PersonAvailability[]): Stretch[] {
  const required = people.filter((person) => person.required);
  const bounds = new Set<number>();
  for (const person of required)
    for (const interval of person.intervals) {
      if (interval.state === 'free') continue;
      bounds.add(Date.parse(interval.start));
      bounds.add(Date.parse(interval.end));
    }
  const points = [...bounds].sort((a, b) => a - b);
  const stretches: Stretch[] = [];
  for (let index = 0; index + 1 < points.length; index += 1) {
    const start = points[index] ?? 0;
    const end = points[index + 1] ?? 0;
    let state: AvailabilityState = 'free';
    let notFree = 0;
    for (const person of required) {
      const own = person.intervals.find(
        (interval) =>
          interval.state !== 'free' && Date.parse(interval.start) <= start && Date.parse(interval.end) >= end,
      );
      if (!own) continue;
      notFree += 1;
      if (STATE_WEIGHT[own.state] > STATE_WEIGHT[state]) state = own.state;
    }
    if (notFree === 0) continue;
    const previous = stretches.at(-1);
    if (previous && previous.end === start && previous.state === state && previous.notFree === notFree)
      previous.end = end;
    else stretches.push({ start, end, state, notFree });
  }
  return stretches;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Background blocks, one per interval that is not free, with the state's pattern class and its words. */
export function toAvailabilityEvents(people: PersonAvailability[]): EventInput[] {
  const events: EventInput[] = [];
  const requiredCount = people.filter((person) => person.required).length;
  for (const stretch of combineAttendees(people)) {
    events.push({
      id: `all:${stretch.start}`,
      resourceId: ALL_ATTENDEES_ID,
      start: iso(stretch.start),
      end: iso(stretch.end),
      display: 'background',
      classNames: ['avail', stateClass(stretch.state)],
      title: `${STATE_LABELS[stretch.state]}: ${stretch.notFree} of ${requiredCount} not free`,
    });
  }
  for (const person of people)
    for (const interval of person.intervals) {
      if (interval.state === 'free') continue;
      events.push({
        id: `${person.userId}:${interval.start}`,
        resourceId: person.userId,
        start: interval.start,
        end: interval.end,
        display: 'background',
        classNames: ['avail', stateClass(interval.state)],
        title: intervalLabel(interval),
      });
    }
  return events;
}

/**
 * The slot under the arrow keys or picked, across every row (a background event without a
 * resource spans them all). A source of its own: moving it leaves the blocks' source untouched,
 * so FullCalendar does not parse them again on each key press.
 */
export function toSlotEvents(slot: { start: Date; end: Date; picked: boolean } | null): EventInput[] {
  if (!slot) return [];
  return [
    {
      id: 'slot',
      start: slot.start.toISOString(),
      end: slot.end.toISOString(),
      display: 'background',
      classNames: ['slot', slot.picked ? 'slot-picked' : 'slot-cursor'],
      title: slot.picked ? 'Picked' : '',
    },
  ];
}
