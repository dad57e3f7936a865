import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import type { WatchRequest } from '../types';
import { eventually, eventWrite, timed, uniqueTitle } from './fixtures';
import type { ContractContext } from './suite';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A loopback webhook: answers Graph's validation handshake (the token back as text/plain) and
 * records every notification, so the suite sees what the provider really sends.
 */
async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((request, response) => {
    const validationToken = new URL(request.url ?? '/', 'http://receiver').searchParams.get(
      'validationToken',
    );
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (validationToken !== null) {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(validationToken);
        return;
      }
      deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Push channels: where the provider pushes, a change reaches our address with our secret; elsewhere watch is refused. */
export function describePushContract(ctx: ContractContext): void {
  describe('push', () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    beforeAll(async () => {
      receiver = await startReceiver();
    });
    afterAll(() => receiver.close());

    const watchRequest = (token: string): WatchRequest => ({
      address: receiver.url,
      token,
      channelId: crypto.randomUUID(),
      ttlSeconds: 3600,
    });

    it('watches, notifies a change with our secret, renews and stops where the provider pushes; refuses all three where it does not', async () => {
      const { organizer } = ctx.harness();
      const token = `contract-${crypto.randomUUID()}`;
      if (organizer.provider.capabilities.push === null)
        await expectPushRefused(organizer, watchRequest(token));
      else await expectPushDelivered(ctx, organizer, token, watchRequest, receiver.deliveries);
    });
  });
}

type Account = ReturnType<ContractContext['harness']>['organizer'];

async function expectPushRefused({ provider, calendarId }: Account, request: WatchRequest): Promise<void> {
  const channel = {
    channelId: request.channelId,
    resourceId: 'none',
    expiresAt: new Date(Date.now() + 3_600_000),
  };
  await expect(provider.watch(calendarId, request)).rejects.toBeInstanceOf(ProviderError);
  await expect(provider.renewWatch(calendarId, channel, request)).rejects.toBeInstanceOf(ProviderError);
  await expect(provider.stopWatch(channel)).rejects.toBeInstanceOf(ProviderError);
}

async function expectPushDelivered(
  ctx: ContractContext,
  account: Account,
  token: string,
  watchRequest: (token: string) => WatchRequest,
  deliveries: Delivery[],
): Promise<void> {
  const { provider, calendarId } = account;
  const startedAt = Date.now();
  const channel = await provider.watch(calendarId, watchRequest(token));
  expect(channel.channelId).toBeTruthy();
  expect(channel.resourceId).toBeTruthy();
  expect(channel.expiresAt.getTime()).toBeGreaterThan(startedAt);

  // Google says hello (`sync`) on a new channel; only a notification of the change counts here.
  const isChange = (delivery: Delivery) => delivery.headers['x-goog-resource-state'] !== 'sync';
  const carriesSecret = (delivery: Delivery) =>
    delivery.headers['x-goog-channel-token'] === token || delivery.body.includes(`"clientState":"${token}"`);
  await ctx
    .created()
    .create(
      account,
      eventWrite(uniqueTitle('pushed'), timed('2030-12-11T10:00:00Z', '2030-12-11T11:00:00Z', 'UTC')),
    );
  await eventually(async () => deliveries.find((delivery) => isChange(delivery) && carriesSecret(delivery)));

  const renewed = await provider.renewWatch(calendarId, channel, watchRequest(token));
  expect(renewed.expiresAt.getTime()).toBeGreaterThan(startedAt);
  await provider.stopWatch(renewed);
  // Stopping again is quietly done: the channel is already gone.
  await provider.stopWatch(renewed);
}
