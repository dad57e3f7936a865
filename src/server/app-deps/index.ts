import 'server-only';
import { getEnv } from '@/env';
import { buildApp, type App, type ProcessSingletons } from './build';

export type { App } from './build';
export type { AppDeps } from './types';

// Next.js evaluates this module once per bundle (route handlers, server components,
// instrumentation): the database and the inline driver are shared through globalThis, the
// rest is this bundle's own (see ProcessSingletons).
const singletons: ProcessSingletons = ((
  globalThis as typeof globalThis & { tandemProcess?: ProcessSingletons }
).tandemProcess ??= {});
let app: Promise<App> | undefined;

/** The running app's parts, built from the environment on first use (DESIGN.md §7). */
export function appDeps(): Promise<App> {
  app ??= buildApp(getEnv(), singletons);
  return app;
}
