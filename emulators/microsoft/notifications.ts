import type { EventChangeNotice, MicrosoftStore, SubscriptionRecord } from './store';

/**
 * Sends change and lifecycle notifications to subscribers, as Graph does: a POST of
 * `{value:[…]}` per change, fire-and-forget (the emulator does not retry failed deliveries).
 */

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

function tenantOf(store: MicrosoftStore, subscription: SubscriptionRecord): string {
  return store.accounts.get(subscription.ownerId)?.tenantId ?? '';
}

async function post(url: string, body: unknown): Promise<void> {
  try {
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    // An unreachable webhook is the subscriber's problem; Graph would retry, the emulator drops it.
  }
}

export function changeNotificationBody(
  store: MicrosoftStore,
  subscription: SubscriptionRecord,
  notice: EventChangeNotice,
) {
  const resource = `Users/${subscription.ownerId}/Events/${notice.eventId}`;
  const changeKey = store.events.get(notice.eventId)?.changeKey;
  return {
    value: [
      {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        changeType: notice.changeType,
        resource,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.Event',
          '@odata.id': resource,
          ...(changeKey ? { '@odata.etag': `W/"${changeKey}"` } : {}),
          id: notice.eventId,
        },
        clientState: subscription.clientState,
        tenantId: tenantOf(store, subscription),
      },
    ],
  };
}

/** Wires the store's change feed to subscriptions; returns the unsubscribe function. */
export function startChangeNotifications(store: MicrosoftStore): () => void {
  return store.onChange((notice) => {
    const now = Date.now();
    for (const subscription of store.subscriptions.values()) {
      if (subscription.ownerId !== notice.ownerId) continue;
      if (subscription.calendarId && subscription.calendarId !== notice.calendarId) continue;
      if (!subscription.changeType.split(',').includes(notice.changeType)) continue;
      if (Date.parse(subscription.expirationDateTime) <= now) continue;
      const body = changeNotificationBody(store, subscription, notice);
      setTimeout(() => void post(subscription.notificationUrl, body), 0);
    }
  });
}

export async function sendLifecycleNotification(
  store: MicrosoftStore,
  subscription: SubscriptionRecord,
  lifecycleEvent: LifecycleEvent,
): Promise<boolean> {
  if (lifecycleEvent === 'subscriptionRemoved') store.subscriptions.delete(subscription.id);
  if (!subscription.lifecycleNotificationUrl) return false;
  await post(subscription.lifecycleNotificationUrl, {
    value: [
      {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        tenantId: tenantOf(store, subscription),
        clientState: subscription.clientState,
        lifecycleEvent,
      },
    ],
  });
  return true;
}
