import { NonRetriableError, RetryAfterError } from 'inngest';
import type { JobDefinition, JobDeps, JobSteps } from '../src/server/jobs/definition';
import {
  jobEventSchemas,
  parseJobEvents,
  type JobDispatcher,
  type JobEvent,
} from '../src/server/jobs/events';
import { runService } from '../src/server/jobs/functions/step-errors';

/**
 * Runs job definitions' bodies directly, for benches: what the inline driver (jobs/inline-driver.ts)
 * models of Inngest, without @inngest/test's engine around every run (its mocks would be counted
 * as Tandem's time). Runs with the same concurrency key run one at a time; a failed run is retried
 * after its RetryAfterError's delay (else exponential back-off), replaying the steps that already
 * succeeded; a NonRetriableError is final. Throttles are not modelled (the bench prints the pace
 * instead). At most `parallel` runs are in flight at once, as an Inngest worker's concurrency.
 */
export class BenchJobDriver implements JobDispatcher {
  readonly outcomes = { completed: 0, failed: 0, retries: 0 };
  readonly failures: { job: string; message: string }[] = [];
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly slots: (() => void)[] = [];
  private running = 0;

  constructor(
    private readonly definitions: JobDefinition[],
    private readonly deps: () => JobDeps,
    private readonly parallel = 32,
  ) {}

  send(events: JobEvent | JobEvent[]): Promise<void> {
    for (const event of parseJobEvents(events)) {
      for (const definition of this.definitions) {
        const { trigger } = definition;
        if ('event' in trigger && trigger.event === event.name) this.enqueue(definition, event);
      }
    }
    return Promise.resolve();
  }

  /** Resolves when no run is queued or running, including runs started by other runs. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private enqueue(definition: JobDefinition, event: JobEvent): void {
    const field = definition.concurrencyKey && /^event\.data\.(\w+)$/.exec(definition.concurrencyKey)?.[1];
    const keyValue = field ? (event.data as Record<string, unknown>)[field] : undefined;
    const lane = keyValue === undefined ? null : `${definition.id}:${String(keyValue)}`;
    const previous = (lane && this.lanes.get(lane)) || Promise.resolve();
    const settled = previous.then(() => this.withSlot(() => this.runWithRetries(definition, event)));
    if (lane) {
      this.lanes.set(lane, settled);
      void settled.then(() => {
        if (this.lanes.get(lane) === settled) this.lanes.delete(lane);
      });
    }
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  private async withSlot(run: () => Promise<void>): Promise<void> {
    if (this.running >= this.parallel) await new Promise<void>((resolve) => this.slots.push(resolve));
    this.running += 1;
    try {
      await run();
    } finally {
      this.running -= 1;
      this.slots.shift()?.();
    }
  }

  private async runWithRetries(definition: JobDefinition, event: JobEvent): Promise<void> {
    const { trigger } = definition;
    const data = 'event' in trigger ? jobEventSchemas[trigger.event].parse(event.data) : {};
    const memo = new Map<string, unknown>();
    for (let attempt = 0; ; attempt += 1) {
      const steps: JobSteps = {
        run: async <T>(id: string, body: () => Promise<T>): Promise<T> => {
          if (memo.has(id)) return memo.get(id) as T;
          const output = await runService(attempt, body);
          memo.set(id, output);
          return output;
        },
      };
      try {
        await definition.run(this.deps(), data as never, steps);
        this.outcomes.completed += 1;
        return;
      } catch (error) {
        const delay = attempt < definition.retries ? retryDelayMs(error, attempt) : null;
        if (delay === null) {
          this.outcomes.failed += 1;
          this.failures.push({ job: definition.id, message: String(error) });
          return;
        }
        this.outcomes.retries += 1;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function retryDelayMs(error: unknown, attempt: number): number | null {
  if (error instanceof NonRetriableError) return null;
  if (error instanceof RetryAfterError) {
    const seconds = Number(error.retryAfter);
    return Number.isFinite(seconds)
      ? seconds * 1000
      : Math.max(0, Date.parse(String(error.retryAfter)) - Date.now());
  }
  return Math.min(30_000, 1_000 * 2 ** attempt);
}
