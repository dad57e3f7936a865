import type { TimeStr } from 'inngest';
import type { AppDeps } from '@/server/app-deps/types';
import type { JobEventData, JobEventName } from './events';

/**
 * What job bodies hand to the services: the app's parts that sync, push and notification emails
 * use, and the jobs themselves.
 */
export type JobDeps = Pick<
  AppDeps,
  'db' | 'providers' | 'now' | 'window' | 'appUrl' | 'pollMinutes' | 'jobs' | 'mailer' | 'answerLinkKey'
> &
  /** Only the bulk-add job uses these; the app always passes them (suites of other jobs need not). */
  Partial<Pick<AppDeps, 'keyRing' | 'enterprise'>>;

/**
 * A job's steps. Each step is retried on its own: a failed run is retried from the step that
 * failed, replaying the JSON output of those that succeeded, so a step's result must be small
 * plain data. A service error leaves a step already mapped for Inngest (see step-errors.ts).
 */
export interface JobSteps {
  run<T>(id: string, body: () => Promise<T>): Promise<T>;
}

type JobTrigger = JobEventName | 'cron';

/**
 * One background job (DESIGN.md §2, §7): what starts it, how Inngest limits it, and its body.
 * `createJobFunction` turns it into the Inngest function that `/api/inngest` serves and the inline
 * driver runs; a new job is a file in `functions/` plus a line in `JOB_DEFINITIONS`.
 */
export interface JobDefinition<T extends JobTrigger = JobTrigger, R = unknown> {
  id: string;
  name: string;
  /** An event, or a cron schedule (which may depend on the settings, e.g. SYNC_POLL_MINUTES). */
  trigger: T extends JobEventName ? { event: T } : { cron: (deps: JobDeps) => string };
  /** One run at a time per value of this expression (`event.data.<field>`). */
  concurrencyKey?: string;
  throttle?: { key: string; limit: number; period: TimeStr; burst?: number };
  /** Inngest's attempts after the first (at most 20). */
  retries: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
  run(
    deps: JobDeps,
    data: T extends JobEventName ? JobEventData<T> : Record<string, never>,
    steps: JobSteps,
  ): Promise<R>;
  /**
   * Runs once a run has used up its retries (Inngest's `onFailure`; the inline driver does the
   * same), with the payload of the event that started it: say what will not happen.
   */
  onFailure?(
    deps: JobDeps,
    data: T extends JobEventName ? JobEventData<T> : Record<string, never>,
    failure: { message: string },
  ): Promise<unknown>;
}

/** Checks a definition against its trigger's payload type without widening it. */
export function defineJob<T extends JobTrigger, R>(definition: JobDefinition<T, R>): JobDefinition<T, R> {
  return definition;
}
