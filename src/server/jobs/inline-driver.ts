import { InngestTestEngine } from '@inngest/test';
import type { Context, InngestFunction } from 'inngest';
import { DEFAULT_RETRY_POLICY, type Sleep } from '@/server/providers/retry';
import { type JobDispatcher, type JobEvent, parseJobEvents } from './events';

/**
 * Runs Tandem's Inngest functions in-process, for the demo and tests (DESIGN.md §5): each run goes
 * through @inngest/test's engine, so the same step code runs as under Inngest. What Inngest does
 * for us in production is modelled here: runs of one function with the same concurrency key run
 * one at a time; a failed run is retried with the delay its RetryAfterError asks for (else
 * exponential back-off), replaying the steps that already succeeded instead of running them again;
 * crons run on timers. Throttles are not modelled. It refuses to start in production.
 */

export class InlineDriverRefusedError extends Error {
  override readonly name = 'InlineDriverRefusedError';
}

export interface RunRecord {
  functionId: string;
  event: { name: string; data: unknown };
  attempts: number;
  status: 'completed' | 'failed';
  result?: unknown;
  error?: unknown;
}

export interface InlineDriverOptions {
  functions: InngestFunction.Any[];
  /** The app's NODE_ENV: "production" is refused. */
  nodeEnv: string;
  /** Waits between attempts; tests inject one that records and returns at once. */
  sleep?: Sleep;
  log?: Pick<Console, 'warn'>;
}

interface ConcurrencyOption {
  key?: string;
}

type AnyStepRun = (id: string, fn: () => unknown) => Promise<unknown>;

const HISTORY_LIMIT = 200;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `event.data.<field>` is the only key expression Tandem uses; anything else is a mistake to catch early. */
function concurrencyField(fn: InngestFunction.Any): string | null {
  const option = fn.opts.concurrency as number | ConcurrencyOption | ConcurrencyOption[] | undefined;
  const first = Array.isArray(option) ? option[0] : option;
  if (first === undefined || typeof first === 'number' || first.key === undefined) return null;
  const match = /^event\.data\.(\w+)$/.exec(first.key);
  if (!match?.[1])
    throw new Error(`The inline driver cannot evaluate the concurrency key "${first.key}" of ${fn.id()}`);
  return match[1];
}

function eventNames(fn: InngestFunction.Any): string[] {
  const triggers = (fn.opts.triggers ?? []) as { event?: string | { name: string } }[];
  return triggers.flatMap((trigger) =>
    trigger.event === undefined
      ? []
      : [typeof trigger.event === 'string' ? trigger.event : trigger.event.name],
  );
}

/** The everyMinutes of the two cron shapes Tandem uses (`*\/n * * * *` and hourly). */
export function cronIntervalMs(fn: InngestFunction.Any): number | null {
  const triggers = (fn.opts.triggers ?? []) as { cron?: string }[];
  const cron = triggers.find((trigger) => trigger.cron)?.cron;
  if (!cron) return null;
  if (cron === '0 * * * *') return 3_600_000;
  const every = /^\*\/(\d+) \* \* \* \*$/.exec(cron)?.[1];
  if (!every) throw new Error(`The inline driver cannot schedule the cron "${cron}" of ${fn.id()}`);
  return Number(every) * 60_000;
}

/** Inngest's RetryAfterError keeps seconds (or an ISO date) in `retryAfter`. */
function retryDelayMs(error: unknown, attempt: number): number | null {
  const named = error as { name?: unknown; retryAfter?: unknown } | null;
  if (named?.name === 'NonRetriableError') return null;
  if (named?.name === 'RetryAfterError' && typeof named.retryAfter === 'string') {
    const seconds = Number(named.retryAfter);
    return Number.isFinite(seconds) ? seconds * 1000 : Math.max(0, Date.parse(named.retryAfter) - Date.now());
  }
  return Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** attempt);
}

export class InlineJobDriver implements JobDispatcher {
  readonly runs: RunRecord[] = [];
  private readonly functions: { fn: InngestFunction.Any; events: string[]; keyField: string | null }[];
  private readonly lanes = new Map<string, Promise<void>>();
  /** Lanes with a run waiting to start: an identical event arriving meanwhile is folded into it. */
  private readonly waiting = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly sleep: Sleep;
  private readonly log: Pick<Console, 'warn'>;

  constructor(options: InlineDriverOptions) {
    if (options.nodeEnv === 'production') {
      throw new InlineDriverRefusedError(
        'The inline job driver is for the demo and tests only and refuses to run in production: ' +
          'set TANDEM_JOBS=inngest and point the app at Inngest Cloud or a self-hosted `inngest start`.',
      );
    }
    this.functions = options.functions.map((fn) => ({
      fn,
      events: eventNames(fn),
      keyField: concurrencyField(fn),
    }));
    this.sleep = options.sleep ?? realSleep;
    this.log = options.log ?? console;
  }

  /** Like Inngest's send: returns once the events are accepted, not when their runs finish. */
  async send(events: JobEvent | JobEvent[]): Promise<void> {
    for (const event of parseJobEvents(events)) {
      for (const entry of this.functions) {
        if (entry.events.includes(event.name)) this.enqueue(entry.fn, entry.keyField, event);
      }
    }
  }

  /** Runs a cron function now and waits for it (the timers call this; so can tests). */
  async runCron(functionId: string): Promise<RunRecord> {
    const entry = this.functions.find(({ fn }) => fn.id() === functionId);
    if (!entry) throw new Error(`No function ${functionId}`);
    return this.runWithRetries(entry.fn, { name: 'inngest/scheduled.timer', data: {} });
  }

  /** Resolves when no run is queued or running, including runs started by other runs. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Starts a timer per cron function; a tick while the previous run is still going is skipped. */
  startCrons(): void {
    for (const { fn } of this.functions) {
      const every = cronIntervalMs(fn);
      if (every === null) continue;
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        void this.runCron(fn.id())
          .catch((error: unknown) => this.log.warn(`[jobs] cron ${fn.id()} failed:`, error))
          .finally(() => {
            running = false;
          });
      }, every);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stopCrons(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private enqueue(fn: InngestFunction.Any, keyField: string | null, event: JobEvent): void {
    const keyValue = keyField ? (event.data as Record<string, unknown>)[keyField] : undefined;
    const lane = keyValue === undefined ? null : `${fn.id()}:${String(keyValue)}`;
    const fold = lane ? `${lane}:${JSON.stringify(event.data)}` : null;
    if (fold && this.waiting.has(fold)) return;
    if (fold) this.waiting.add(fold);
    const previous = (lane && this.lanes.get(lane)) || Promise.resolve();
    const run = previous.then(async () => {
      if (fold) this.waiting.delete(fold);
      await this.runWithRetries(fn, event);
    });
    const settled = run.catch((error: unknown) => this.log.warn(`[jobs] ${fn.id()} crashed:`, error));
    if (lane) {
      this.lanes.set(lane, settled);
      void settled.then(() => {
        if (this.lanes.get(lane) === settled) this.lanes.delete(lane);
      });
    }
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  private async runWithRetries(
    fn: InngestFunction.Any,
    event: { name: string; data: unknown },
  ): Promise<RunRecord> {
    const maxAttempts = ((fn.opts.retries as number | undefined) ?? 3) + 1;
    // Outputs of steps that succeeded, by step id: a retry replays them as Inngest would.
    const memo = new Map<string, unknown>();
    for (let attempt = 0; ; attempt += 1) {
      const failure: { error?: unknown } = {};
      const engine = new InngestTestEngine({
        function: fn,
        events: [event as { name: string; data: Record<string, unknown> }],
        steps: [...memo].map(([id, data]) => ({ id, handler: () => data })),
        transformCtx: (ctx) => recordingSteps(ctx, attempt, memo, failure),
      });
      const output = await engine.execute();
      if (output.error === undefined)
        return this.record({
          functionId: fn.id(),
          event,
          attempts: attempt + 1,
          status: 'completed',
          result: output.result,
        });
      const error = failure.error ?? output.error;
      const delay = attempt + 1 < maxAttempts ? retryDelayMs(error, attempt) : null;
      if (delay === null) {
        this.log.warn(`[jobs] ${fn.id()} gave up after ${attempt + 1} attempt(s):`, error);
        await this.runFailureHandler(fn, event, error);
        return this.record({ functionId: fn.id(), event, attempts: attempt + 1, status: 'failed', error });
      }
      await this.sleep(delay);
    }
  }

  /** As Inngest does once retries are used up: the function's `onFailure` with the original event. */
  private async runFailureHandler(
    fn: InngestFunction.Any,
    event: { name: string; data: unknown },
    error: unknown,
  ): Promise<void> {
    const onFailure = fn.opts.onFailure as ((ctx: unknown) => Promise<unknown>) | undefined;
    if (!onFailure) return;
    const message = error instanceof Error ? error.message : String(error);
    try {
      await onFailure({
        event: { name: 'inngest/function.failed', data: { event, error: { message } } },
        error: { message },
      });
    } catch (failure) {
      this.log.warn(`[jobs] ${fn.id()} failure handler crashed:`, failure);
    }
  }

  private record(run: RunRecord): RunRecord {
    this.runs.push(run);
    if (this.runs.length > HISTORY_LIMIT) this.runs.splice(0, this.runs.length - HISTORY_LIMIT);
    return run;
  }
}

/**
 * The handler's context with the real attempt number, and `step.run` wrapped to keep each
 * successful step's output (JSON, as Inngest stores it) and the original error of a failed one
 * (the engine serialises errors, losing RetryAfterError's delay).
 */
function recordingSteps(
  ctx: Context.Any,
  attempt: number,
  memo: Map<string, unknown>,
  failure: { error?: unknown },
): Context.Any {
  const run = ctx.step.run as AnyStepRun;
  const recordedRun: AnyStepRun = (id, body) =>
    run(id, async () => {
      try {
        const output = await body();
        memo.set(id, output === undefined ? null : JSON.parse(JSON.stringify(output)));
        return output;
      } catch (error) {
        failure.error = error;
        throw error;
      }
    });
  return { ...ctx, attempt, step: { ...ctx.step, run: recordedRun } } as Context.Any;
}
