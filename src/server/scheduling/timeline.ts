import type { AvailabilityInterval, AvailabilityState, UnknownReason } from './contract';
import type { Span } from './working-hours';

/** What makes someone unavailable (or less available) for a while. */
export type BlockState = 'busy' | 'tentative' | 'out_of_office' | 'working_elsewhere';

export interface Block extends Span {
  state: BlockState;
  /** Only for the viewer's own blocks; dropped for anyone else before this is called. */
  title?: string;
}

export interface UnknownSpan extends Span {
  reason: UnknownReason;
}

/**
 * Which state wins where several apply. What someone is doing beats what their hours say, and
 * their hours beat "no information": a learner without a calendar is still outside their working
 * hours at 03:00, and a Tandem meeting still makes them busy.
 */
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

/**
 * One person's time in [from, to) as sorted, non-overlapping intervals covering the whole range:
 * the strongest block wherever there is one, else outside working hours, else unknown (with the
 * strongest reason), else free. Adjacent stretches in the same state are joined.
 */
export function buildTimeline(
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
  const points = [...cuts].sort((a, b) => a - b);

  // Sweep: spans sorted by start join the active lists as the sweep passes them, and leave when over.
  const blockQueue = byStart(liveBlocks);
  const workingQueue = byStart(liveWorking);
  const unknownQueue = byStart(liveUnknown);
  let activeBlocks: Block[] = [];
  let activeWorking: Span[] = [];
  let activeUnknown: UnknownSpan[] = [];

  const intervals: AvailabilityInterval[] = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const start = points[i] ?? from;
    const end = points[i + 1] ?? to;
    activeBlocks = advance(activeBlocks, blockQueue, start);
    activeWorking = advance(activeWorking, workingQueue, start);
    activeUnknown = advance(activeUnknown, unknownQueue, start);

    let interval: Omit<AvailabilityInterval, 'start' | 'end'>;
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
    appendJoined(intervals, start, end, interval);
  }
  return intervals;
}

function byStart<T extends Span>(spans: T[]): T[] {
  return [...spans].sort((a, b) => a.start - b.start);
}

/** The spans active at `at`: those still running, plus those the (sorted) queue starts by then. */
function advance<T extends Span>(active: T[], queue: T[], at: number): T[] {
  while (queue.length > 0 && (queue[0]?.start ?? Infinity) <= at) {
    const span = queue.shift();
    if (span) active.push(span);
  }
  return active.filter((span) => span.end > at);
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
  intervals: AvailabilityInterval[],
  start: number,
  end: number,
  interval: { state: AvailabilityState; reason?: UnknownReason; title?: string },
): void {
  const last = intervals.at(-1);
  if (
    last &&
    last.state === interval.state &&
    last.reason === interval.reason &&
    last.title === interval.title &&
    Date.parse(last.end) === start
  ) {
    last.end = new Date(end).toISOString();
    return;
  }
  intervals.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), ...interval });
}
