import { appDeps } from '@/server/app-deps';
import { refuseWebhookFlood } from '@/server/security/webhook-guard';
import { receiveGoogleNotification } from '@/server/sync/webhooks';

export const dynamic = 'force-dynamic';

/**
 * Google Calendar push notifications (headers only). Always a bodiless 2xx, forged or not, so a
 * prober learns nothing; a 503 only when the sync request could not be handed on, so Google retries.
 */
export async function POST(request: Request): Promise<Response> {
  const flood = refuseWebhookFlood(request, new Date());
  if (flood) return flood;
  try {
    await receiveGoogleNotification(await appDeps(), request.headers);
    return new Response(null, { status: 200 });
  } catch (error) {
    console.error('[webhooks] a Google notification could not be handed to the jobs:', error);
    return new Response(null, { status: 503 });
  }
}
