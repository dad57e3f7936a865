import { eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { asPrepared } from '@/server/db/prepared';
import { tenants } from '@/server/db/schema';
import { InvalidInputError, NotFoundError } from '@/server/errors';
import type { Actor } from '@/server/tenants/actor';
import type { AvailabilityInput, AvailabilityResult, PersonAvailability } from './contract';
import { readBusyMirror } from './busy-mirror';
import { busyMirrorScope, mirrorBlocksOf } from './mirror-blocks';
import { loadPeople, readCalendarHealth, type SchedulingPerson } from './people';
import { readTandemBlocks, type UnansweredCountsAs } from './tandem-blocks';
import { buildTimeline, type Block } from './timeline';
import { oldestSync, unknownSpansOf } from './unknown-spans';
import { workingSpans, type Span } from './working-hours';

/** The longest range availability is worked out for (the grid asks for a work week or two). */
export const MAX_AVAILABILITY_DAYS = 31;
const DAY_MS = 86_400_000;

export interface AvailabilityDeps {
  db: Executor;
  now: () => Date;
}

/** A person's availability with what suggestions need alongside: blocks and working spans in ms. */
export interface PersonTimeline {
  person: PersonAvailability;
  working: Span[];
}

/**
 * The one availability function (DESIGN.md §9): the viewer first, then the people asked about,
 * each as intervals over [from, to) from the mirror, Tandem's meetings and tasks, their working
 * hours and what Tandem cannot know. Reads the database only: never a provider. Titles are kept
 * only on the viewer's own intervals, and only when `ownTitles` is set.
 */
export async function readAvailability(
  deps: AvailabilityDeps,
  actor: Actor,
  input: AvailabilityInput,
  options: { ownTitles: boolean; ignoreMeetingId?: string; includeViewer?: boolean } = { ownTitles: true },
): Promise<AvailabilityResult & { timelines: PersonTimeline[] }> {
  const from = Date.parse(input.from);
  const to = Date.parse(input.to);
  if (!(to > from)) throw new InvalidInputError('The end must be after the start');
  if (to - from > MAX_AVAILABILITY_DAYS * DAY_MS)
    throw new InvalidInputError(`Availability covers at most ${MAX_AVAILABILITY_DAYS} days at a time`);

  const required = new Set([...(options.includeViewer === false ? [] : [actor.userId]), ...input.userIds]);
  const asked = [...required, ...input.optionalUserIds.filter((id) => !required.has(id))];
  // Every read starts at once, by the ids asked (each is tenant-scoped, so an id that is not a
  // member's finds nothing): none waits for the people first. The people are still awaited first,
  // so a stranger is "not found" whatever else fails, and nothing read is used before they are.
  const peopleRead = loadPeople(deps.db, actor.tenantId, asked);
  const unansweredRead = unansweredSetting(deps.db, actor.tenantId);
  const reads = Promise.all([
    unansweredRead,
    readCalendarHealth(deps.db, actor.tenantId, asked),
    readBusyMirror(deps.db, busyMirrorScope(actor.tenantId, asked), new Date(from), new Date(to), {
      ...(options.ownTitles ? { titlesFor: actor.userId } : {}),
    }),
    readTandemBlocks(deps.db, actor.tenantId, asked, new Date(from), new Date(to), {
      unansweredCountsAs: unansweredRead,
      ...(options.ignoreMeetingId ? { ignoreMeetingId: options.ignoreMeetingId } : {}),
    }),
  ]);
  // Handled here too, so a failure while the people are awaited is not an unhandled rejection.
  reads.catch(() => undefined);
  const people = await peopleRead;
  const [, health, busyMirror, tandem] = await reads;
  const ids = people.map((person) => person.userId);
  const zones = new Map(people.map((person) => [person.userId, person.timeZone]));
  const mirror = mirrorBlocksOf(busyMirror, zones, from, to);

  const blocksOf = new Map<string, Block[]>(ids.map((id) => [id, []]));
  for (const block of mirror) {
    // A copy of a Tandem meeting: Tandem's record (and this person's answer in it) decides instead.
    if (block.tandemMeetingId && tandem.meetingIds.has(block.tandemMeetingId)) continue;
    if (block.icalUid && tandem.icalUids.has(block.icalUid)) continue;
    blocksOf.get(block.userId)?.push(block);
  }
  for (const block of tandem.blocks) blocksOf.get(block.userId)?.push(block);

  const now = deps.now().getTime();
  const timelines = people.map((person): PersonTimeline => {
    const ownTitles = options.ownTitles && person.userId === actor.userId;
    const blocks = (blocksOf.get(person.userId) ?? []).map((block) =>
      ownTitles && block.title !== undefined
        ? { start: block.start, end: block.end, state: block.state, title: block.title }
        : { start: block.start, end: block.end, state: block.state },
    );
    const calendars = health.filter((row) => row.userId === person.userId);
    const working = workingSpans(person.workingHours, person.timeZone, from, to);
    return {
      working,
      person: {
        ...personHeader(person, required.has(person.userId)),
        lastSyncedAt: oldestSync(calendars),
        intervals: buildTimeline(from, to, blocks, working, unknownSpansOf(calendars, from, to, now)),
      },
    };
  });
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    people: timelines.map((timeline) => timeline.person),
    timelines,
  };
}

function personHeader(person: SchedulingPerson, required: boolean) {
  return {
    userId: person.userId,
    name: person.name,
    timeZone: person.timeZone,
    role: person.role,
    required,
  };
}

async function unansweredSetting(db: Executor, tenantId: string): Promise<UnansweredCountsAs> {
  const [row] = await asPrepared(
    db.select({ value: tenants.unansweredInvitationsCountAs }).from(tenants).where(eq(tenants.id, tenantId)),
    'unanswered_setting',
  );
  if (!row) throw new NotFoundError('Organisation not found');
  return row.value;
}
