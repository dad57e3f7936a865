import type { AppDeps } from '@/server/app-deps/types';

/** What scheduling needs: the database, the clock, and the jobs that deliver the meeting afterwards. */
export type ScheduleDeps = Pick<AppDeps, 'db' | 'jobs' | 'now'>;
