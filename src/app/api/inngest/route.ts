import { serve } from 'inngest/next';
import type { NextRequest } from 'next/server';
import { appDeps, type App } from '@/server/app-deps';
import { inngest } from '@/server/jobs/client';
import { createJobFunctions } from '@/server/jobs/functions';

/**
 * Inngest Cloud or a self-hosted `inngest start` calls this route to register and run Tandem's
 * functions. Built on the first request, so that building the app needs no runtime settings.
 */
let handlers: ReturnType<typeof serve> | undefined;
function inngestHandlers(app: App) {
  handlers ??= serve({ client: inngest, functions: createJobFunctions(inngest, app) });
  return handlers;
}

/** With inline jobs nothing may run functions from outside the process. */
function handle(method: 'GET' | 'POST' | 'PUT') {
  return async (request: NextRequest): Promise<Response> => {
    const app = await appDeps();
    if (app.jobsMode !== 'inngest') {
      return new Response(
        'Jobs run in-process (TANDEM_JOBS=inline); set TANDEM_JOBS=inngest to serve them to Inngest.\n',
        {
          status: 404,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        },
      );
    }
    return inngestHandlers(app)[method](request, undefined);
  };
}

export const dynamic = 'force-dynamic';
export const GET = handle('GET');
export const POST = handle('POST');
export const PUT = handle('PUT');
