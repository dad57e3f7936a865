import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppDeps } from '@/server/app-deps/types';
import { readBytesWithLimit } from '@/server/security/request-body';
import { FixedWindowRateLimiter } from '@/server/security/rate-limit';
import { refuseWebhookFlood, WEBHOOK_REQUESTS_PER_ADDRESS_PER_MINUTE } from '@/server/security/webhook-guard';
import { InboundMailUnavailableError, MAX_INBOUND_MAIL_BYTES, receiveInboundMail } from './inbound';

/** Content types a provider's inbound hook uses for a whole message as it arrived. */
const RAW_MIME_TYPES = new Set(['message/rfc822', 'application/octet-stream']);

/** Its own counter: a burst of replies does not use up the calendar webhooks' allowance, nor the reverse. */
const perAddress = new FixedWindowRateLimiter({
  limit: WEBHOOK_REQUESTS_PER_ADDRESS_PER_MINUTE,
  windowMs: 60_000,
});

export type InboundWebhookDeps = Pick<AppDeps, 'db' | 'now' | 'handleInboundItip'> & {
  inboundEmailSecret: string | null;
};

/** Compares digests, so neither the secret's length nor its bytes show in the timing. */
function bearerMatches(header: string | null, secret: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header?.trim() ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(secret)) && presented.length > 0;
}

function json(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/**
 * POST /api/inbound/email: a provider's inbound-mail hook (or a relay) hands Tandem one raw email
 * addressed to IMIP_REPLY_ADDRESS. Closed (404) without INBOUND_EMAIL_SECRET; 401 on a wrong
 * bearer; 413 over the size limit; 202 when applied, stale or a duplicate; 422 with the plain
 * reason when refused (so a retry would not help); 503 when it could not be applied now.
 */
export async function receiveInboundEmailRequest(
  deps: InboundWebhookDeps,
  request: Request,
  limiter: FixedWindowRateLimiter = perAddress,
): Promise<Response> {
  const flood = refuseWebhookFlood(request, deps.now(), limiter);
  if (flood) return flood;
  if (!deps.inboundEmailSecret) return new Response(null, { status: 404 });
  if (!bearerMatches(request.headers.get('authorization'), deps.inboundEmailSecret))
    return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!RAW_MIME_TYPES.has(type)) return json(415, { error: 'send the raw message as message/rfc822' });
  const handleItip = deps.handleInboundItip;
  if (!handleItip) return json(503, { error: 'inbound email is not set up on this server' });
  const body = await readBytesWithLimit(request, MAX_INBOUND_MAIL_BYTES);
  if (!body.ok) return new Response(null, { status: body.reason === 'too_large' ? 413 : 400 });
  try {
    const result = await receiveInboundMail(deps, body.bytes, { from: null, to: [] }, handleItip);
    const summary = { outcome: result.outcome, detail: result.detail, duplicate: result.duplicate };
    if (result.outcome === 'refused') return json(422, summary);
    if (result.outcome === 'in_progress') return json(503, summary);
    return json(202, summary);
  } catch (error) {
    if (!(error instanceof InboundMailUnavailableError)) throw error;
    console.error('[mail] inbound message not handled:', error.cause ?? error);
    return json(503, { error: error.message });
  }
}
