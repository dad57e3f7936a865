import type { Env } from '@/env';
import { inngest } from './client';
import { type JobDispatcher, parseJobEvents } from './events';

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
