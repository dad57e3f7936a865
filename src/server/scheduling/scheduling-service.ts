import type { Actor } from '@/server/tenants/actor';
import { readAvailability, type AvailabilityDeps, type PersonTimeline } from './availability';
import type {
  AvailabilityInput,
  AvailabilityResult,
  AvailabilityState,
  ClashInput,
  ClashResult,
  PersonAvailability,
  SuggestionsInput,
} from './contract';
import { slotPersonOf } from './slot-people';
import { nextFreeStart, suggestSlots, type SuggestedSlotDetail } from './suggest-slots';

const DAY_MS = 86_400_000;
/** How far ahead the clash check looks for the next free time (contract: within 14 days). */
export const NEXT_FREE_HORIZON_DAYS = 14;

/** The grid's rows: the viewer with their own titles, everyone else as busy blocks only. */
export async function availabilityFor(
  deps: AvailabilityDeps,
  actor: Actor,
  input: AvailabilityInput,
): Promise<AvailabilityResult> {
  const { from, to, people } = await readAvailability(deps, actor, input, { ownTitles: true });
  return { from, to, people };
}

/** "What my tutor sees": the caller's own availability, without titles, as anyone else sees it. */
export async function myAvailability(
  deps: AvailabilityDeps,
  actor: Actor,
  range: { from: string; to: string },
): Promise<PersonAvailability> {
  const result = await readAvailability(
    deps,
    actor,
    { userIds: [actor.userId], optionalUserIds: [], from: range.from, to: range.to },
    { ownTitles: false },
  );
  const [self] = result.people;
  if (!self) throw new Error('availability lost the viewer');
  return self;
}

/** Suggested times over the people's availability (suggest-slots.ts), in the viewer's zone. */
export async function suggestionsFor(
  deps: AvailabilityDeps,
  actor: Actor,
  input: SuggestionsInput,
): Promise<SuggestedSlotDetail[]> {
  const result = await readAvailability(deps, actor, input, { ownTitles: false });
  return suggestSlots(slotPeople(result.timelines), {
    from: Date.parse(result.from),
    to: Date.parse(result.to),
    now: deps.now().getTime(),
    durationMinutes: input.durationMinutes,
    bufferMinutes: input.bufferMinutes,
    limit: input.limit,
    viewerZone: actor.timeZone,
  });
}

/** The states that make a chosen time a clash for someone, strongest first. */
const CLASH_STATES: AvailabilityState[] = ['out_of_office', 'busy', 'tentative'];

/**
 * For the meeting form: who among the attendees (and the organiser) is busy, out of office or
 * tentative at the chosen time, and the next time of the same length when everyone is free.
 */
export async function clashesFor(
  deps: AvailabilityDeps,
  actor: Actor,
  input: ClashInput,
): Promise<ClashResult> {
  const start = Date.parse(input.start);
  const end = Date.parse(input.end);
  const length = Math.max(end - start, 60_000);
  const horizon = start + NEXT_FREE_HORIZON_DAYS * DAY_MS + length;
  const result = await readAvailability(
    deps,
    actor,
    {
      userIds: input.userIds,
      optionalUserIds: [],
      from: new Date(start).toISOString(),
      to: new Date(horizon).toISOString(),
    },
    { ownTitles: false, ...(input.ignoreMeetingId ? { ignoreMeetingId: input.ignoreMeetingId } : {}) },
  );
  const clashes: ClashResult['clashes'] = [];
  for (const person of result.people) {
    const states = new Set(
      person.intervals
        .filter((interval) => Date.parse(interval.start) < start + length && Date.parse(interval.end) > start)
        .map((interval) => interval.state),
    );
    const state = CLASH_STATES.find((candidate) => states.has(candidate));
    if (state) clashes.push({ userId: person.userId, name: person.name, state });
  }
  const next =
    clashes.length === 0 ? start : nextFreeStart(slotPeople(result.timelines), start, length, horizon);
  return { clashes, nextFreeStart: next === null ? null : new Date(next).toISOString() };
}

function slotPeople(timelines: PersonTimeline[]) {
  return timelines.map((timeline) => slotPersonOf(timeline.person, timeline.working));
}
