import type { AvailabilityInterval } from './contract';
import type { Span } from './working-hours';

/** One person as slot finding sees them: sorted, disjoint spans per kind of (un)availability. */
export interface SlotPerson {
  userId: string;
  name: string;
  required: boolean;
  isLearner: boolean;
  /** Busy or out of office: a required person here rules a time out. */
  blocking: Span[];
  tentative: Span[];
  unknown: Span[];
  /** Their working hours, as instants. */
  working: Span[];
}

/** Slot finding's view of a person, from the availability function's intervals and working hours. */
export function slotPersonOf(
  person: {
    userId: string;
    name: string;
    required: boolean;
    role: string;
    intervals: AvailabilityInterval[];
  },
  working: Span[],
): SlotPerson {
  const spans = (states: string[]) =>
    joined(
      person.intervals
        .filter((interval) => states.includes(interval.state))
        .map((interval) => ({ start: Date.parse(interval.start), end: Date.parse(interval.end) })),
    );
  return {
    userId: person.userId,
    name: person.name,
    required: person.required,
    isLearner: person.role === 'learner',
    blocking: spans(['busy', 'out_of_office']),
    tentative: spans(['tentative']),
    unknown: spans(['unknown']),
    working: joined(working),
  };
}

/** Sorted, with touching or overlapping spans joined. */
export function joined(spans: Span[]): Span[] {
  const sorted = [...spans].filter((span) => span.end > span.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

/** Whether any of the sorted, disjoint spans overlaps [start, end): a binary search. */
export function overlapsAny(spans: Span[], start: number, end: number): boolean {
  let low = 0;
  let high = spans.length;
  // The first span that ends after `start`.
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((spans[mid]?.end ?? Infinity) <= start) low = mid + 1;
    else high = mid;
  }
  const candidate = spans[low];
  return candidate !== undefined && candidate.start < end;
}

/** Whether one of the sorted, disjoint spans holds all of [start, end). */
export function insideOne(spans: Span[], start: number, end: number): boolean {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((spans[mid]?.end ?? Infinity) <= start) low = mid + 1;
    else high = mid;
  }
  const candidate = spans[low];
  return candidate !== undefined && candidate.start <= start && candidate.end >= end;
}
