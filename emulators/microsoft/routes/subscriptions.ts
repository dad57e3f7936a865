import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../app-env';
import { GraphHttpError } from '../graph-errors';
import type { SubscriptionRecord } from '../store';

/**
 * /subscriptions: create (after the validationToken handshake), get, list, renew (PATCH),
 * delete. Only event resources are emulated.
 */

const MAX_MINUTES = 4230;
const VALIDATION_TIMEOUT_MS = 10_000;

const createBody = z.object({
  changeType: z.string().min(1),
  notificationUrl: z.string().url(),
  lifecycleNotificationUrl: z.string().url().optional(),
  resource: z.string().min(1),
  expirationDateTime: z.string().min(1),
  clientState: z.string().optional(),
  latestSupportedTlsVersion: z.string().optional(),
  includeResourceData: z.boolean().optional(),
});

function extensionError(message: string, status = 400): GraphHttpError {
  return new GraphHttpError(
    status,
    'ExtensionError',
    `Operation: Create; Exception: [Status Code: BadRequest; Reason: ${message}]`,
  );
}

function checkExpiration(value: string): string {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw extensionError('The expiration date time is not valid.');
  if (at <= Date.now()) throw extensionError('Subscription expiration must be in the future.');
  if (at > Date.now() + MAX_MINUTES * 60_000) {
    throw extensionError(`Subscription expiration can only be ${MAX_MINUTES} minutes in the future.`);
  }
  return new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Graph needs https; the emulator also lets loopback http through so dev servers can subscribe. */
function checkUrl(value: string): void {
  const url = new URL(value);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw extensionError('NotificationUrl must be an https URL.');
  }
}

/** POSTs `?validationToken=…` and expects the token back as text/plain with 200 within 10 s. */
async function validateEndpoint(url: string): Promise<boolean> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const target = new URL(url);
  target.searchParams.set('validationToken', token);
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(VALIDATION_TIMEOUT_MS),
    });
    const body = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return response.status === 200 && type.toLowerCase().startsWith('text/plain') && body === token;
  } catch {
    return false;
  }
}

function resolveResource(
  c: Context<EmulatorEnv>,
  resource: string,
): { ownerId: string; calendarId: string | null } {
  const match = /^\/?(me|users\/([^/]+))(?:\/(calendar|calendars\/([^/]+)))?\/events$/i.exec(resource);
  if (!match)
    throw extensionError(
      `Resource '${resource}' is not supported by this emulator (use me/events or users/{id}/events).`,
    );
  const store = c.get('store');
  const principal = c.get('principal');
  const userPart = match[2];
  let ownerId: string;
  if (!userPart) {
    if (principal.kind !== 'delegated')
      throw new GraphHttpError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    ownerId = principal.accountId;
  } else {
    const account = store.accountByIdOrEmail(decodeURIComponent(userPart));
    const allowed =
      account &&
      (principal.kind === 'app'
        ? account.tenantId === principal.tenantId
        : account.id === principal.accountId);
    if (!account || !allowed)
      throw new GraphHttpError(
        403,
        'ExtensionError',
        'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied.]',
      );
    ownerId = account.id;
  }
  const calendarId = match[4]
    ? decodeURIComponent(match[4])
    : match[3]
      ? (store.defaultCalendar(ownerId)?.id ?? null)
      : null;
  if (calendarId && store.calendars.get(calendarId)?.ownerId !== ownerId)
    throw extensionError('The calendar of the resource was not found.');
  return { ownerId, calendarId };
}

function subscriptionJson(c: Context<EmulatorEnv>, subscription: SubscriptionRecord) {
  return {
    '@odata.context': `${c.get('origin')}/v1.0/$metadata#subscriptions/$entity`,
    id: subscription.id,
    resource: subscription.resource,
    applicationId: subscription.applicationId,
    changeType: subscription.changeType,
    clientState: subscription.clientState,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: subscription.expirationDateTime,
    creatorId: subscription.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

function subscriptionOf(c: Context<EmulatorEnv>): SubscriptionRecord {
  const subscription = c.get('store').subscriptions.get(c.req.param('id') ?? '');
  const principal = c.get('principal');
  if (!subscription || subscription.applicationId !== principal.clientId) {
    throw new GraphHttpError(404, 'ResourceNotFound', 'The object was not found.');
  }
  return subscription;
}

export function registerSubscriptionRoutes(app: Hono<EmulatorEnv>): void {
  app.post('/v1.0/subscriptions', async (c) => {
    const parsed = createBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success)
      throw extensionError(
        `Invalid subscription request: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
      );
    const body = parsed.data;
    const changeTypes = body.changeType.split(',').map((type) => type.trim());
    if (changeTypes.some((type) => !['created', 'updated', 'deleted'].includes(type)))
      throw extensionError(`Invalid changeType '${body.changeType}'.`);
    if (body.clientState && body.clientState.length > 128)
      throw extensionError('clientState must be at most 128 characters.');
    if (body.includeResourceData)
      throw extensionError(
        'Rich notifications (includeResourceData) are not supported for events by this emulator.',
      );
    const expirationDateTime = checkExpiration(body.expirationDateTime);
    checkUrl(body.notificationUrl);
    if (body.lifecycleNotificationUrl) checkUrl(body.lifecycleNotificationUrl);
    const { ownerId, calendarId } = resolveResource(c, body.resource);
    for (const url of [body.notificationUrl, body.lifecycleNotificationUrl]) {
      if (url && !(await validateEndpoint(url))) {
        throw extensionError(
          'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
        );
      }
    }
    const principal = c.get('principal');
    const subscription: SubscriptionRecord = {
      id: randomUUID(),
      ownerId,
      calendarId,
      resource: body.resource,
      changeType: changeTypes.join(','),
      notificationUrl: body.notificationUrl,
      lifecycleNotificationUrl: body.lifecycleNotificationUrl ?? null,
      clientState: body.clientState ?? null,
      expirationDateTime,
      applicationId: principal.clientId,
      creatorId: principal.kind === 'delegated' ? principal.accountId : principal.clientId,
    };
    c.get('store').subscriptions.set(subscription.id, subscription);
    return c.json(subscriptionJson(c, subscription), 201);
  });

  app.get('/v1.0/subscriptions', (c) => {
    const clientId = c.get('principal').clientId;
    const value = [...c.get('store').subscriptions.values()]
      .filter((s) => s.applicationId === clientId)
      .map((s) => subscriptionJson(c, s));
    return c.json({ value });
  });
  app.get('/v1.0/subscriptions/:id', (c) => c.json(subscriptionJson(c, subscriptionOf(c))));
  app.patch('/v1.0/subscriptions/:id', async (c) => {
    const subscription = subscriptionOf(c);
    const parsed = z
      .object({ expirationDateTime: z.string() })
      .safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw extensionError('expirationDateTime is required.');
    subscription.expirationDateTime = checkExpiration(parsed.data.expirationDateTime);
    return c.json(subscriptionJson(c, subscription));
  });
  app.delete('/v1.0/subscriptions/:id', (c) => {
    c.get('store').subscriptions.delete(subscriptionOf(c).id);
    return c.body(null, 204);
  });
}
