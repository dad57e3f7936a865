import type { AvailabilityInterval, UnknownReason } from './contract';
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
  // The spans that touch the range, in start order (the sweep's queues). They are not clamped to
  // the range: the sweep only asks whether a span has started by a point inside it and is not
  // over yet, which clamping would not change. Copying thousands of blocks to clamp them was most
  // of this function's time.
  const liveBlocks = touching(blocks, from, to);
  const liveWorking = touching(working, from, to);
  const liveUnknown = touching(unknown, from, to);
  const points = cutPoints(from, to, [liveBlocks, liveWorking, liveUnknown]);

  // Sweep: spans sorted by start join the active lists as the sweep passes them, and leave when over.
  const blockSweep = new Sweep(liveBlocks);
  const workingSweep = new Sweep(liveWorking);
  const unknownSweep = new Sweep(liveUnknown);

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
      interval =
        strongest.title === undefined
          ? { state: strongest.state }
          : { state: strongest.state, title: strongest.title };
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
  // Instants become ISO strings once, at the end: joining compares numbers. The intervals are
  // contiguous, so each one's start is the previous one's end, formatted once (formatting was
  // most of this function's time after the sweep).
  const intervals: AvailabilityInterval[] = [];
  let previousEnd = Number.NaN;
  let previousEndIso = '';
  for (const { start, end, interval } of joined) {
    const startIso = start === previousEnd ? previousEndIso : new Date(start).toISOString();
    previousEnd = end;
    previousEndIso = new Date(end).toISOString();
    intervals.push(withInstants(startIso, previousEndIso, interval));
  }
  return intervals;
}

/** The interval with its instants first, as the contract lists them (no spread per interval). */
function withInstants(start: string, end: string, interval: IntervalState): AvailabilityInterval {
  if (interval.reason !== undefined) return { start, end, state: interval.state, reason: interval.reason };
  if (interval.title !== undefined) return { start, end, state: interval.state, title: interval.title };
  return { start, end, state: interval.state };
}

type IntervalState = Omit<AvailabilityInterval, 'start' | 'end'>;

interface JoinedInterval {
  start: number;
  end: number;
  interval: IntervalState;
}

/**
 * The non-empty spans that overlap [from, to), sorted by their start within the range (stable:
 * ties keep their order, so among blocks that began before `from` the first given names a stretch).
 */
function touching<T extends Span>(spans: T[], from: number, to: number): T[] {
  const live: T[] = [];
  for (const span of spans) if (span.end > from && span.start < to && span.end > span.start) live.push(span);
  return live.sort((a, b) => Math.max(a.start, from) - Math.max(b.start, from));
}

/**
 * Every distinct instant where something starts or ends, clamped to [from, to), with both ends:
 * sorted and deduplicated in one typed array (a typed array sorts numbers natively, without a
 * comparator call per comparison).
 */
function cutPoints(from: number, to: number, lists: Span[][]): Float64Array {
  let count = 2;
  for (const list of lists) count += 2 * list.length;
  const all = new Float64Array(count);
  all[0] = from;
  all[1] = to;
  let n = 2;
  for (const list of lists)
    for (const span of list) {
      all[n++] = Math.max(span.start, from);
      all[n++] = Math.min(span.end, to);
    }
  all.sort();
  let kept = 0;
  for (let i = 0; i < all.length; i += 1)
    if (kept === 0 || all[i] !== all[kept - 1]) all[kept++] = all[i] ?? 0;
  return all.subarray(0, kept);
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
