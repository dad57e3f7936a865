import { serve } from 'inngest/next';
import type { NextRequest } from 'next/server';
import { appJobRuntime } from '@/server/jobs/app-runtime';
import { inngest } from '@/server/jobs/client';
import { inngestDispatcher } from '@/server/jobs/dispatcher';
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

export const dynamic = 'force-dynamic';
export const GET = (request: NextRequest) => inngestHandlers().GET(request, undefined);
export const POST = (request: NextRequest) => inngestHandlers().POST(request, undefined);
export const PUT = (request: NextRequest) => inngestHandlers().PUT(request, undefined);
