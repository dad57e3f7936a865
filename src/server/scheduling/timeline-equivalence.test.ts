import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AvailabilityInterval, UnknownReason } from './contract';
import { buildTimeline, type Block, type BlockState, type UnknownSpan } from './timeline';
import type { Span } from './working-hours';

/*
 * buildTimeline no longer copies the spans to clamp them, and finds its cut points in one typed
 * array. Over random blocks (overlapping, empty, reaching outside the range, titled or not),
 * working spans and unknown spans, it must give exactly what the version before did (kept below,
 * verbatim, as the reference).
 */

const FROM = Date.UTC(2026, 2, 2);
const TO = FROM + 3 * 86_400_000;
const STATES: BlockState[] = ['busy', 'tentative', 'out_of_office', 'working_elsewhere'];
const REASONS: UnknownReason[] = [
  'needs_reconnecting',
  'no_calendar_connected',
  'not_synced_recently',
  'outside_sync_window',
];

/** Instants on a quarter-hour grid from a day before the range to a day after, so spans often share ends. */
const instant = fc.integer({ min: -96, max: 4 * 96 }).map((q) => FROM + q * 15 * 60_000);
const span = fc.tuple(instant, fc.integer({ min: -4, max: 200 })).map(([start, quarters]) => ({
  start,
  end: start + quarters * 15 * 60_000,
}));
const block: fc.Arbitrary<Block> = fc
  .tuple(span, fc.constantFrom(...STATES), fc.option(fc.constantFrom('A', 'B', 'C'), { nil: undefined }))
  .map(([s, state, title]) => (title === undefined ? { ...s, state } : { ...s, state, title }));
const unknown: fc.Arbitrary<UnknownSpan> = fc
  .tuple(span, fc.constantFrom(...REASONS))
  .map(([s, reason]) => ({ ...s, reason }));

describe('buildTimeline, against the version before it', () => {
  it('gives the same intervals for any blocks, working and unknown spans', () => {
    fc.assert(
      fc.property(
        fc.array(block, { maxLength: 40 }),
        fc.array(span, { maxLength: 6 }),
        fc.array(unknown, { maxLength: 4 }),
        (blocks, working, unknowns) => {
          expect(buildTimeline(FROM, TO, blocks, working, unknowns)).toEqual(
            referenceTimeline(FROM, TO, blocks, working, unknowns),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

const BLOCK_RANK: Record<BlockState, number> = {
  out_of_office: 4,
  busy: 3,
  tentative: 2,
  working_elsewhere: 1,
};
const REASON_RANK: Record<UnknownReason, number> = {
  needs_reconnecting: 4,
  no_calendar_connected: 3,
  not_synced_recently: 2,
  outside_sync_window: 1,
};

function referenceTimeline(
  from: number,
  to: number,
  blocks: Block[],
  working: Span[],
  unknown: UnknownSpan[],
): AvailabilityInterval[] {
  const inRange = <T extends Span>(spans: T[]) =>
    spans
      .filter((span) => span.end > from && span.start < to && span.end > span.start)
      .map((span) => ({ ...span, start: Math.max(span.start, from), end: Math.min(span.end, to) }));
  const liveBlocks = inRange(blocks);
  const liveWorking = inRange(working);
  const liveUnknown = inRange(unknown);
  const cuts = new Set<number>([from, to]);
  for (const span of [...liveBlocks, ...liveWorking, ...liveUnknown]) {
    cuts.add(span.start);
    cuts.add(span.end);
  }
  // A typed array sorts numbers natively, without a comparator call per comparison.
  const points = Float64Array.from(cuts).sort();

  // Sweep: spans sorted by start join the active lists as the sweep passes them, and leave when over.
  const blockSweep = new Sweep(byStart(liveBlocks));
  const workingSweep = new Sweep(byStart(liveWorking));
  const unknownSweep = new Sweep(byStart(liveUnknown));

  const joined: JoinedInterval[] = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const start = points[i] ?? from;
    const end = points[i + 1] ?? to;
    const activeBlocks = blockSweep.at(start);
    const activeWorking = workingSweep.at(start);
    const activeUnknown = unknownSweep.at(start);

    let interval: IntervalState;
    const strongest = strongestBlock(activeBlocks);
    if (strongest) {
      interval = {
        state: strongest.state,
        ...(strongest.title === undefined ? {} : { title: strongest.title }),
      };
    } else if (activeWorking.length === 0) {
      interval = { state: 'outside_working_hours' };
    } else if (activeUnknown.length > 0) {
      const reason = activeUnknown.reduce((best, span) =>
        REASON_RANK[span.reason] > REASON_RANK[best.reason] ? span : best,
      ).reason;
      interval = { state: 'unknown', reason };
    } else {
      interval = { state: 'free' };
    }
    appendJoined(joined, start, end, interval);
  }
  // Instants become ISO strings once, at the end: joining compares numbers.
  return joined.map(({ start, end, interval }) => ({
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    ...interval,
  }));
}

type IntervalState = Omit<AvailabilityInterval, 'start' | 'end'>;

interface JoinedInterval {
  start: number;
  end: number;
  interval: IntervalState;
}

function byStart<T extends Span>(spans: T[]): T[] {
  return [...spans].sort((a, b) => a.start - b.start);
}

/** A sorted queue of spans and the ones active at the sweep's point, kept in start order. */
class Sweep<T extends Span> {
  private readonly active: T[] = [];
  private next = 0;

  constructor(private readonly queue: T[]) {}

  /** The spans active at `at` (not before the last point asked): those started by then and not over. */
  at(at: number): T[] {
    const { active, queue } = this;
    let span = queue[this.next];
    while (span !== undefined && span.start <= at) {
      active.push(span);
      this.next += 1;
      span = queue[this.next];
    }
    let kept = 0;
    for (const span of active) if (span.end > at) active[kept++] = span;
    active.length = kept;
    return active;
  }
}

function strongestBlock(active: Block[]): Block | undefined {
  let best: Block | undefined;
  for (const block of active) {
    // Equal rank: the earlier-starting block names the stretch, so titles do not flicker.
    if (!best || BLOCK_RANK[block.state] > BLOCK_RANK[best.state]) best = block;
  }
  return best;
}

function appendJoined(
  intervals: JoinedInterval[],
  start: number,
  end: number,
  interval: IntervalState,
): void {
  const last = intervals.at(-1);
  if (
    last &&
    last.interval.state === interval.state &&
    last.interval.reason === interval.reason &&
    last.interval.title === interval.title &&
    last.end === start
  ) {
    last.end = end;
    return;
  }
  intervals.push({ start, end, interval });
}
