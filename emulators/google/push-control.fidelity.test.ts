/**
 * Fidelity: events.watch / channels.stop with real notification requests to a local receiver,
 * and the control API (faults with Google's bodies and headers, request counts, reset).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiAs, events, startBed, startReceiver, timed } from './fidelity-helpers';
import type { GoogleTestbed } from './testbed';

let bed: GoogleTestbed;
let api: ApiClient;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  bed = await startBed();
  api = apiAs(bed, 'organizer@northbridge.test');
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await bed.close();
});

describe('events.watch and channels.stop', () => {
  it('sends sync first, then exists after a change, with Google’s headers and no body; stop ends it', async () => {
    const watch = await api.post(events('primary', '/watch'), {
      id: 'channel-1',
      type: 'web_hook',
      address: receiver.url,
      token: 'secret-token',
      params: { ttl: '3600' },
    });
    expect(watch.status).toBe(200);
    expect(watch.body).toMatchObject({ kind: 'api#channel', id: 'channel-1', token: 'secret-token' });
    expect(typeof watch.body.resourceId).toBe('string');
    expect(watch.body.resourceUri).toContain('/calendar/v3/calendars/organizer%40northbridge.test/events');
    const expiration = Number(watch.body.expiration);
    expect(typeof watch.body.expiration).toBe('string');
    expect(expiration - Date.now()).toBeGreaterThan(3500_000);
    expect(expiration - Date.now()).toBeLessThanOrEqual(3600_000);

    await bed.emulator.control.pushIdle();
    await api.post(events('primary'), {
      summary: 'ping',
      ...timed('2030-08-01T10:00:00Z', '2030-08-01T11:00:00Z'),
    });
    await bed.emulator.control.pushIdle();

    expect(receiver.received.map((message) => message.headers['x-goog-resource-state'])).toEqual([
      'sync',
      'exists',
    ]);
    const [sync, exists] = receiver.received;
    expect(sync?.headers).toMatchObject({
      'x-goog-channel-id': 'channel-1',
      'x-goog-channel-token': 'secret-token',
      'x-goog-resource-id': watch.body.resourceId,
      'x-goog-message-number': '1',
      'x-goog-channel-expiration': new Date(expiration).toUTCString(),
    });
    expect(exists?.headers['x-goog-message-number']).toBe('2');
    expect(exists?.body).toBe('');

    const stopped = await api.post('/calendar/v3/channels/stop', {
      id: 'channel-1',
      resourceId: watch.body.resourceId,
    });
    expect(stopped.status).toBe(204);
    await api.post(events('primary'), {
      summary: 'silent',
      ...timed('2030-08-01T12:00:00Z', '2030-08-01T13:00:00Z'),
    });
    await bed.emulator.control.pushIdle();
    expect(receiver.received).toHaveLength(2);
    expect(
      (await api.post('/calendar/v3/channels/stop', { id: 'channel-1', resourceId: watch.body.resourceId }))
        .status,
    ).toBe(404);
  });

  it('refuses a non-https address off loopback and a reused channel id', async () => {
    const insecure = await api.post(events('primary', '/watch'), {
      id: 'channel-2',
      type: 'web_hook',
      address: 'http://tandem.example/hook',
    });
    expect(insecure.status).toBe(400);
    expect(insecure.body.error.message).toContain('must be HTTPS');
    expect(
      (
        await api.post(events('primary', '/watch'), {
          id: 'channel-3',
          type: 'web_hook',
          address: receiver.url,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.post(events('primary', '/watch'), {
          id: 'channel-3',
          type: 'web_hook',
          address: receiver.url,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api.post(events('primary', '/watch'), {
          id: 'channel-4',
          type: 'carrier_pigeon',
          address: receiver.url,
        })
      ).status,
    ).toBe(400);
  });

  it('lets a channel live a week (604800 s) unless params.ttl says otherwise', async () => {
    const watch = await api.post(events('primary', '/watch'), {
      id: 'channel-week',
      type: 'web_hook',
      address: receiver.url,
    });
    const lifetime = Number(watch.body.expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(604_700_000);
    expect(lifetime).toBeLessThanOrEqual(604_800_000);
    expect(watch.body).not.toHaveProperty('token');
    await api.post('/calendar/v3/channels/stop', { id: 'channel-week', resourceId: watch.body.resourceId });
  });
});

describe('control API', () => {
  const control = (path: string, body?: unknown) =>
    fetch(`${bed.url}/__control${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('injects Google-shaped faults once each: 429 + Retry-After, 403 reasons, 5xx, 410 on a sync token, slowness', async () => {
    await control('/faults', { preset: 'rate_limit_429', retryAfterSeconds: 7 });
    const limited = await api.get(events('primary'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.error.errors[0]).toMatchObject({
      domain: 'usageLimits',
      reason: 'rateLimitExceeded',
    });
    expect((await api.get(events('primary'))).status).toBe(200);

    for (const reason of ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']) {
      await control('/faults', { preset: 'rate_limit_403', reason });
      const response = await api.get(events('primary'));
      expect(response.status).toBe(403);
      expect(response.body.error.errors[0].reason).toBe(reason);
    }

    await control('/faults', { preset: 'server_error', status: 500 });
    const broken = await api.get(events('primary'));
    expect(broken.status).toBe(500);
    expect(broken.body.error.errors[0].reason).toBe('backendError');

    const token = (await api.get(events('primary'))).body.nextSyncToken as string;
    await control('/faults', { preset: 'sync_token_410' });
    expect((await api.get(events('primary'))).status).toBe(200); // no syncToken: untouched
    expect((await api.get(events('primary', `?syncToken=${encodeURIComponent(token)}`))).status).toBe(410);

    // A slow answer is still the real answer; the fault is used up by it (durations are for benchmarks).
    await control('/faults', { preset: 'slow', delayMs: 20 });
    expect(((await (await control('/faults')).json()) as { faults: unknown[] }).faults).toHaveLength(1);
    expect((await api.get(events('primary'))).status).toBe(200);
    expect(((await (await control('/faults')).json()) as { faults: unknown[] }).faults).toHaveLength(0);

    expect((await control('/faults', { preset: 'nonsense' })).status).toBe(400);
  });

  it('counts requests by route and resets them', async () => {
    await fetch(`${bed.url}/__control/requests`, { method: 'DELETE' });
    await api.get(events('primary'));
    await api.get(events('primary'));
    await api.get('/calendar/v3/users/me/calendarList');
    const counts = (await (await control('/requests')).json()) as {
      total: number;
      byRoute: Record<string, number>;
    };
    expect(counts).toEqual({
      total: 3,
      byRoute: {
        'GET /calendar/v3/calendars/:calendarId/events': 2,
        'GET /calendar/v3/users/me/calendarList': 1,
      },
    });
  });

  it('revokes grants on request, and reset restores the seed', async () => {
    const client = apiAs(bed, 'third@northbridge.test');
    await client.post(events('primary'), {
      summary: 'temporary',
      ...timed('2030-08-02T10:00:00Z', '2030-08-02T11:00:00Z'),
    });
    await control('/faults', { preset: 'revoked_grant', email: 'third@northbridge.test' });
    expect((await client.get(events('primary'))).status).toBe(401);
    expect((await control('/reset', {})).status).toBe(200);
    const fresh = apiAs(bed, 'third@northbridge.test');
    expect((await fresh.get(events('primary'))).body.items).toEqual([]);
  });
});
