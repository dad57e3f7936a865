import { serve } from 'inngest/next';
import type { NextRequest } from 'next/server';
import { appJobRuntime } from '@/server/jobs/app-runtime';
import { inngest } from '@/server/jobs/client';
import { getEnv } from '@/env';
import { inngestDispatcher, jobsMode } from '@/server/jobs/dispatcher';
import { createJobFunctions } from '@/server/jobs/functions';

/**
 * Inngest Cloud or a self-hosted `inngest start` calls this route to register and run Tandem's
 * functions. Built on the first request, so that building the app needs no runtime settings.
 */
let handlers: ReturnType<typeof serve> | undefined;
function inngestHandlers() {
  handlers ??= serve({ client: inngest, functions: createJobFunctions(inngest, appJobRuntime(() => inngestDispatcher)) });
  return handlers;
}

/** With inline jobs nothing may run functions from outside the process. */
function handle(method: 'GET' | 'POST' | 'PUT') {
  return (request: NextRequest): Promise<Response> | Response => {
    if (jobsMode(getEnv()) !== 'inngest') {
      return new Response('Jobs run in-process (TANDEM_JOBS=inline); set TANDEM_JOBS=inngest to serve them to Inngest.\n', {
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    return inngestHandlers()[method](request, undefined);
  };
}

export const dynamic = 'force-dynamic';
export const GET = handle('GET');
export const POST = handle('POST');
export const PUT = handle('PUT');
