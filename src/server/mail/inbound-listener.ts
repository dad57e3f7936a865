import type { Env } from '@/env';
import type { AppDeps } from '@/server/app-deps/types';
import { receiveInboundMail } from './inbound';
import { startInboundSmtpServer, type InboundSmtpServer } from './inbound-smtp';

export type InboundListenerSettings = Pick<
  Env,
  'INBOUND_SMTP_PORT' | 'INBOUND_SMTP_HOST' | 'IMIP_REPLY_ADDRESS'
>;

/**
 * Starts the SMTP listener for inbound iMIP when INBOUND_SMTP_PORT is set, else nothing. Without an
 * iTIP handler there is nothing to apply replies with: the listener stays down (and says so)
 * rather than accept mail it cannot use.
 */
export async function startInboundMailListener(
  deps: Pick<AppDeps, 'db' | 'now' | 'handleInboundItip'>,
  settings: InboundListenerSettings,
): Promise<InboundSmtpServer | null> {
  if (!settings.INBOUND_SMTP_PORT) return null;
  const handleItip = deps.handleInboundItip;
  if (!handleItip) {
    console.warn(
      '[mail] INBOUND_SMTP_PORT is set but no iMIP handler is wired: inbound listener not started',
    );
    return null;
  }
  const server = await startInboundSmtpServer({
    port: settings.INBOUND_SMTP_PORT,
    host: settings.INBOUND_SMTP_HOST,
    acceptDomain: settings.IMIP_REPLY_ADDRESS.slice(settings.IMIP_REPLY_ADDRESS.lastIndexOf('@') + 1),
    onMessage: (raw, envelope) => receiveInboundMail(deps, raw, envelope, handleItip),
    onError: (error) => console.error('[mail] inbound message not handled:', error),
  });
  console.log(`[mail] Inbound iMIP listener on ${server.url} for ${settings.IMIP_REPLY_ADDRESS}`);
  return server;
}
