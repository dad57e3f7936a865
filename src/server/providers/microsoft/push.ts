import { ProviderNotFoundError } from '../errors';
import type { PushChannel, WatchRequest } from '../types';
import type { GraphSession } from './graph-session';

/**
 * Graph subscriptions on one calendar's events. Graph validates the notification URL (and the
 * lifecycle URL) before answering: the app's webhook must echo `validationToken` as text/plain.
 * Lifecycle notifications go to the same webhook; their body carries `lifecycleEvent`.
 */

/** Graph's ceiling for event subscriptions is 4230 minutes; stay a few minutes under it. */
const MAX_TTL_SECONDS = (4230 - 5) * 60;

interface GraphSubscription {
  id: string;
  expirationDateTime: string;
}

function expiry(ttlSeconds: number | undefined): string {
  return new Date(Date.now() + Math.min(ttlSeconds ?? MAX_TTL_SECONDS, MAX_TTL_SECONDS) * 1000).toISOString();
}

function channelOf(subscription: GraphSubscription): PushChannel {
  return {
    channelId: subscription.id,
    resourceId: subscription.id,
    expiresAt: new Date(subscription.expirationDateTime),
  };
}

export async function startSubscription(
  session: GraphSession,
  calendarId: string,
  request: WatchRequest,
): Promise<PushChannel> {
  const subscription = await session.call(
    'create subscription',
    () =>
      session.api('/subscriptions').post({
        changeType: 'created,updated,deleted',
        notificationUrl: request.address,
        lifecycleNotificationUrl: request.address,
        resource: `${session.calendarPath(calendarId).replace(/^\//, '')}/events`,
        expirationDateTime: expiry(request.ttlSeconds),
        clientState: request.token,
      }) as Promise<GraphSubscription>,
  );
  return channelOf(subscription);
}

/** PATCH the expiry; a subscription Graph already removed is created afresh. */
export async function renewSubscription(
  session: GraphSession,
  calendarId: string,
  channel: PushChannel,
  request: WatchRequest,
): Promise<PushChannel> {
  try {
    const subscription = await session.call(
      'renew subscription',
      () =>
        session
          .api(`/subscriptions/${encodeURIComponent(channel.channelId)}`)
          .patch({ expirationDateTime: expiry(request.ttlSeconds) }) as Promise<GraphSubscription>,
    );
    return channelOf(subscription);
  } catch (error) {
    if (!(error instanceof ProviderNotFoundError)) throw error;
    return startSubscription(session, calendarId, request);
  }
}

export async function stopSubscription(session: GraphSession, channel: PushChannel): Promise<void> {
  try {
    await session.call('delete subscription', () =>
      session.api(`/subscriptions/${encodeURIComponent(channel.channelId)}`).delete(),
    );
  } catch (error) {
    if (!(error instanceof ProviderNotFoundError)) throw error;
  }
}
