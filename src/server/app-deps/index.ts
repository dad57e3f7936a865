import 'server-only';
import { getEnv } from '@/env';
import { buildApp, type App } from './build';

export type { App } from './build';
export type { AppDeps } from './types';

// One app per process. Next.js may evaluate this module more than once (separate bundles for
// route handlers, server components and instrumentation), and PGlite must never open its data
// folder twice, nor may two inline drivers run the same crons.
const globalForApp = globalThis as typeof globalThis & { tandemApp?: Promise<App> };

/** The running app's parts, built from the environment on first use (DESIGN.md §7). */
export function appDeps(): Promise<App> {
  globalForApp.tandemApp ??= buildApp(getEnv());
  return globalForApp.tandemApp;
}
