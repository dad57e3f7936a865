import 'server-only';
import { type Env, getEnv } from '@/env';
import { appJobRuntime } from './app-runtime';
import { inngest } from './client';
import { type JobDispatcher, parseJobEvents } from './events';
import { createJobFunctions } from './functions';
import { InlineJobDriver } from './inline-driver';

/** Inngest unless told otherwise in production; the in-process driver elsewhere (DESIGN.md §5). */
export function jobsMode(env: Pick<Env, 'TANDEM_JOBS' | 'NODE_ENV'>): 'inngest' | 'inline' {
  return env.TANDEM_JOBS ?? (env.NODE_ENV === 'production' ? 'inngest' : 'inline');
}

/** Sends through the Inngest client (Inngest Cloud, or `inngest start` via INNGEST_BASE_URL). */
export const inngestDispatcher: JobDispatcher = {
  async send(events) {
    await inngest.send(parseJobEvents(events));
  },
};

// One driver per process, even when Next.js evaluates this module in several bundles.
const globalForJobs = globalThis as typeof globalThis & { tandemInlineDriver?: InlineJobDriver; tandemCronsStarted?: boolean };

function inlineDriver(): InlineJobDriver {
  if (!globalForJobs.tandemInlineDriver) {
    const driver: InlineJobDriver = new InlineJobDriver({
      functions: createJobFunctions(inngest, appJobRuntime(() => driver)),
    });
    globalForJobs.tandemInlineDriver = driver;
  }
  return globalForJobs.tandemInlineDriver;
}

/**
 * Where the app sends job events. TANDEM_JOBS=inline in production is refused here too (besides
 * the env check), so a misconfigured server fails loudly instead of running jobs in web requests.
 */
export function getJobDispatcher(): JobDispatcher {
  const env = getEnv();
  if (jobsMode(env) === 'inngest') return inngestDispatcher;
  if (env.NODE_ENV === 'production') {
    throw new Error('TANDEM_JOBS=inline is for the demo and tests only; set TANDEM_JOBS=inngest in production.');
  }
  return inlineDriver();
}

/** Starts the inline driver's crons (renewal, polling) once per process; a no-op in inngest mode. */
export function startInlineCrons(): void {
  if (jobsMode(getEnv()) !== 'inline' || globalForJobs.tandemCronsStarted) return;
  globalForJobs.tandemCronsStarted = true;
  inlineDriver().startCrons();
}
