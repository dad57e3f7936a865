import { appDeps } from '@/server/app-deps';
import { receiveGraphNotifications } from '@/server/sync/webhooks';

export const dynamic = 'force-dynamic';

/** Graph echoes nothing longer; the bound keeps this route from reflecting large input. */
const MAX_VALIDATION_TOKEN = 1024;

/**
 * Microsoft Graph change and lifecycle notifications. Graph first checks the URL with
 * `?validationToken=…`, which must come back as text/plain within 10 s; notifications must be
 * answered within 3 s, so the work goes to the jobs and the answer is an immediate 202.
 */
export async function POST(request: Request): Promise<Response> {
  const validationToken = new URL(request.url).searchParams.get('validationToken');
  if (validationToken !== null) {
    return new Response(validationToken.slice(0, MAX_VALIDATION_TOKEN), {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return new Response(null, { status: 202 });
  }
  try {
    await receiveGraphNotifications(await appDeps(), body);
    return new Response(null, { status: 202 });
  } catch (error) {
    console.error('[webhooks] Graph notifications could not be handed to the jobs:', error);
    return new Response(null, { status: 503 });
  }
}
