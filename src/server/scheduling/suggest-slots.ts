import type { SuggestedSlot } from './contract';
import { insideOne, overlapsAny, type SlotPerson } from './slot-people';
import { slotSummary } from './slot-summary';

export type { SlotPerson } from './slot-people';

/** Suggested times start on the quarter hour. */
export const SLOT_STEP_MS = 15 * 60_000;
/** A learner with something this close before or after a slot would have it back-to-back. */
export const BACK_TO_BACK_MS = 30 * 60_000;

export interface SuggestRequest {
  from: number;
  to: number;
  /** Nothing is suggested in the past. */
  now: number;
  durationMinutes: number;
  bufferMinutes: number;
  limit: number;
  /** The viewer's zone, for the sentences. */
  viewerZone: string;
}

export interface SuggestedSlotDetail extends SuggestedSlot {
  tentativeUserIds: string[];
  unknownUserIds: string[];
}

interface Candidate {
  start: number;
  end: number;
  requiredOutside: number;
  requiredTentative: number;
  requiredUnknown: number;
  backToBack: boolean;
  optionalUnavailable: number;
}

/**
 * Suggested times for a meeting (DESIGN.md §9), a pure function of its inputs. A slot never
 * overlaps a required person's busy or out-of-office time, nor comes within the buffer of it.
 * Ranked: fewest required people outside their working hours (so a slot inside everyone's hours
 * comes first whenever there is one), then fewest tentative, then fewest with no information,
 * then not back-to-back for a learner, then fewest optional people who cannot come, then soonest.
 * Only the slots with the fewest required people outside their hours are offered (all inside
 * everyone's hours whenever that is possible). Suggestions do not overlap each other, so they
 * offer real alternatives.
 */
export function suggestSlots(people: SlotPerson[], request: SuggestRequest): SuggestedSlotDetail[] {
  const duration = request.durationMinutes * 60_000;
  const buffer = request.bufferMinutes * 60_000;
  const required = people.filter((person) => person.required);
  const optional = people.filter((person) => !person.required);
  const candidates: Candidate[] = [];
  for (
    let start = firstStep(Math.max(request.from, request.now));
    start + duration <= request.to;
    start += SLOT_STEP_MS
  ) {
    const end = start + duration;
    if (required.some((person) => overlapsAny(person.blocking, start - buffer, end + buffer))) continue;
    candidates.push({
      start,
      end,
      requiredOutside: required.filter((person) => !insideOne(person.working, start, end)).length,
      requiredTentative: required.filter((person) => overlapsAny(person.tentative, start, end)).length,
      requiredUnknown: required.filter((person) => overlapsAny(person.unknown, start, end)).length,
      backToBack: required.some(
        (person) =>
          person.isLearner &&
          (overlapsAny(person.blocking, start - BACK_TO_BACK_MS, start) ||
            overlapsAny(person.tentative, start - BACK_TO_BACK_MS, start) ||
            overlapsAny(person.blocking, end, end + BACK_TO_BACK_MS) ||
            overlapsAny(person.tentative, end, end + BACK_TO_BACK_MS)),
      ),
      optionalUnavailable: optional.filter(
        (person) => overlapsAny(person.blocking, start, end) || !insideOne(person.working, start, end),
      ).length,
    });
  }
  candidates.sort(
    (a, b) =>
      a.requiredOutside - b.requiredOutside ||
      a.requiredTentative - b.requiredTentative ||
      a.requiredUnknown - b.requiredUnknown ||
      Number(a.backToBack) - Number(b.backToBack) ||
      a.optionalUnavailable - b.optionalUnavailable ||
      a.start - b.start,
  );
  // A time outside someone's working hours is offered only when no better one exists: filling the
  // list with midnight slots because few good ones remain is not a suggestion anyone wants.
  const fewestOutside = candidates[0]?.requiredOutside ?? 0;
  const chosen: Candidate[] = [];
  for (const candidate of candidates) {
    if (candidate.requiredOutside > fewestOutside) break;
    if (chosen.length >= request.limit) break;
    if (chosen.some((other) => other.start < candidate.end && candidate.start < other.end)) continue;
    chosen.push(candidate);
  }
  return chosen.map((candidate) => describeSlot(people, candidate.start, candidate.end, request.viewerZone));
}

/**
 * The first start from `from` on (quarter hours after it) with the same length at which nobody is
 * busy, out of office or tentative, inside everyone's working hours where such a time exists
 * before `horizon`, else at any hour; null when there is none.
 */
export function nextFreeStart(
  people: SlotPerson[],
  from: number,
  durationMs: number,
  horizon: number,
): number | null {
  let anyHour: number | null = null;
  for (let start = firstStep(from); start + durationMs <= horizon; start += SLOT_STEP_MS) {
    const end = start + durationMs;
    const free = people.every(
      (person) => !overlapsAny(person.blocking, start, end) && !overlapsAny(person.tentative, start, end),
    );
    if (!free) continue;
    if (people.every((person) => insideOne(person.working, start, end))) return start;
    anyHour ??= start;
  }
  return anyHour;
}

/** Who is free at [start, end), and the sentence for it. */
export function describeSlot(
  people: SlotPerson[],
  start: number,
  end: number,
  zone: string,
): SuggestedSlotDetail {
  const busy = people.filter((person) => overlapsAny(person.blocking, start, end));
  const tentative = people.filter((person) => overlapsAny(person.tentative, start, end));
  const outside = people.filter((person) => !insideOne(person.working, start, end));
  const unknown = people.filter((person) => overlapsAny(person.unknown, start, end));
  const names = (list: SlotPerson[]) => list.map((person) => person.name);
  const ids = (list: SlotPerson[]) => list.map((person) => person.userId);
  return {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    busyUserIds: ids(busy),
    outsideHoursUserIds: ids(outside),
    tentativeUserIds: ids(tentative),
    unknownUserIds: ids(unknown),
    summary: slotSummary(start, end, zone, {
      total: people.length,
      busy: names(busy),
      tentative: names(tentative),
      outsideHours: names(outside),
      unknown: names(unknown),
    }),
  };
}

function firstStep(at: number): number {
  return Math.ceil(at / SLOT_STEP_MS) * SLOT_STEP_MS;
}
