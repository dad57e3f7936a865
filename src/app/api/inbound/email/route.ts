import { appDeps } from '@/server/app-deps';
import { receiveInboundEmailRequest } from '@/server/mail/inbound-webhook';

export const dynamic = 'force-dynamic';

/** Inbound iMIP replies from a provider's inbound-mail hook: raw MIME, bearer INBOUND_EMAIL_SECRET. */
export async function POST(request: Request): Promise<Response> {
  return receiveInboundEmailRequest(await appDeps(), request);
}
