import { appDeps } from '@/server/app-deps';
import { readBodyWithLimit } from '@/server/security/request-body';
import { MAX_WEBHOOK_BODY_BYTES, refuseWebhookFlood } from '@/server/security/webhook-guard';
import { receiveGraphNotifications } from '@/server/sync/webhooks';

export const dynamic = 'force-dynamic';

/** Graph echoes nothing longer; the bound keeps this route from reflecting large input. */
const MAX_VALIDATION_TOKEN = 1024;

/**
 * Microsoft Graph change and lifecycle notifications. Graph first checks the URL with
 * `?validationToken=…`, which must come back as text/plain within 10 s; notifications must be
 * answered within 3 s, so the work goes to the jobs and the answer is an immediate 202. A body that
 * is not Graph's (not JSON, malformed items, a NUL byte) is a 400 and one too large a 413; neither
 * echoes the input. A well-formed but forged notification still gets 202, so a prober learns nothing.
 */
export async function POST(request: Request): Promise<Response> {
  const flood = refuseWebhookFlood(request, new Date());
  if (flood) return flood;
  const validationToken = new URL(request.url).searchParams.get('validationToken');
  if (validationToken !== null) {
    return new Response(validationToken.slice(0, MAX_VALIDATION_TOKEN), {
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  const body = await readBodyWithLimit(request, MAX_WEBHOOK_BODY_BYTES);
  if (!body.ok) return new Response(null, { status: body.reason === 'too_large' ? 413 : 400 });
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return new Response(null, { status: 400 });
  }
  try {
    const delivery = await receiveGraphNotifications(await appDeps(), json);
    if (delivery.refused) return new Response(null, { status: delivery.refused === 'too_many' ? 413 : 400 });
    return new Response(null, { status: 202 });
  } catch (error) {
    console.error('[webhooks] Graph notifications could not be handed to the jobs:', error);
    return new Response(null, { status: 503 });
  }
}
