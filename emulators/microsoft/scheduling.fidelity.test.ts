import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MICROSOFT_SEED_PATH } from './seed';
import { startMicrosoftEmulator, type MicrosoftEmulator } from './server';
import { graphFetch, signIn } from './test-client';

/** Pins invitations across mailboxes, answers, cancellation, getSchedule and subscriptions. */

let emulator: MicrosoftEmulator;
let tutor: string;
let learner: string;
const asTutor = (path: string, init: Parameters<typeof graphFetch>[3] = {}) => graphFetch(emulator.url, tutor, path, init);
const asLearner = (path: string, init: Parameters<typeof graphFetch>[3] = {}) => graphFetch(emulator.url, learner, path, init);
const meeting = {
  subject: 'Review',
  start: { dateTime: '2031-05-05T10:00:00', timeZone: 'UTC' },
  end: { dateTime: '2031-05-05T11:00:00', timeZone: 'UTC' },
  attendees: [{ emailAddress: { address: 'learner4@northbridge.test' }, type: 'required' }],
};
const view = 'startDateTime=2031-05-04T00:00:00Z&endDateTime=2031-05-06T00:00:00Z';

beforeAll(async () => {
  emulator = await startMicrosoftEmulator({ port: 0, seed: MICROSOFT_SEED_PATH });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  tutor = (await signIn(emulator.url, 'tutor1@northbridge.test')).access_token;
  learner = (await signIn(emulator.url, 'learner4@northbridge.test')).access_token;
});

async function learnerCopy(): Promise<Record<string, unknown> | undefined> {
  const { value } = (await (await asLearner(`/me/calendarView?${view}`)).json()) as { value: Record<string, unknown>[] };
  return value.find((item) => item.subject === 'Review' || String(item.subject).startsWith('Canceled:'));
}

describe('invitations between emulated mailboxes', () => {
  it('delivers the invitation, carries the answer back, and propagates the cancellation', async () => {
    const created = (await (await asTutor('/me/events', { method: 'POST', json: meeting })).json()) as Record<string, unknown>;
    const copy = await learnerCopy();
    expect(copy).toMatchObject({ iCalUId: created.iCalUId, isOrganizer: false, responseStatus: { response: 'notResponded' } });

    expect((await asLearner(`/me/events/${String(copy?.id)}/cancel`, { method: 'POST', json: {} })).status).toBe(400);
    expect((await asLearner(`/me/events/${String(copy?.id)}/tentativelyAccept`, { method: 'POST', json: { sendResponse: true } })).status).toBe(202);
    const organizerCopy = (await (await asTutor(`/me/events/${String(created.id)}`)).json()) as { attendees: { status: { response: string } }[] };
    expect(organizerCopy.attendees[0]?.status.response).toBe('tentativelyAccepted');

    expect((await asTutor(`/me/events/${String(created.id)}/cancel`, { method: 'POST', json: { comment: 'sorry' } })).status).toBe(202);
    expect((await asTutor(`/me/events/${String(created.id)}`)).status).toBe(404);
    expect(await learnerCopy()).toMatchObject({ isCancelled: true });
  });

  it('a declined invitation leaves the attendee calendar (Exchange moves it to Deleted Items)', async () => {
    const created = (await (await asTutor('/me/events', { method: 'POST', json: meeting })).json()) as { id: string };
    const copy = await learnerCopy();
    expect((await asLearner(`/me/events/${String(copy?.id)}/decline`, { method: 'POST', json: {} })).status).toBe(202);
    expect(await learnerCopy()).toBeUndefined();
    const organizerCopy = (await (await asTutor(`/me/events/${created.id}`)).json()) as { attendees: { status: { response: string } }[] };
    expect(organizerCopy.attendees[0]?.status.response).toBe('declined');
  });
});

describe('getSchedule', () => {
  it('answers availabilityView digits, scheduleItems and workingHours; unknown addresses get an error', async () => {
    await asTutor('/me/events', { method: 'POST', json: { ...meeting, attendees: [], showAs: 'oof' } });
    const response = await asTutor('/me/calendar/getSchedule', {
      method: 'POST',
      json: {
        schedules: ['tutor1@northbridge.test', 'nobody@northbridge.test'],
        startTime: { dateTime: '2031-05-05T09:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2031-05-05T12:00:00', timeZone: 'UTC' },
        availabilityViewInterval: 60,
      },
    });
    expect(response.status).toBe(200);
    const { value } = (await response.json()) as { value: Record<string, unknown>[] };
    expect(value[0]).toMatchObject({ scheduleId: 'tutor1@northbridge.test', availabilityView: '030', workingHours: { startTime: '09:00:00.0000000' } });
    expect(value[0]?.scheduleItems).toEqual([expect.objectContaining({ status: 'oof', start: { dateTime: '2031-05-05T10:00:00.0000000', timeZone: 'UTC' } })]);
    expect(value[1]).toMatchObject({ error: { responseCode: 'ErrorMailRecipientNotFound' } });
  });

  it('is not available to personal accounts', async () => {
    const personal = (await signIn(emulator.url, 'sam.personal@outlook.test')).access_token;
    const response = await graphFetch(emulator.url, personal, '/me/calendar/getSchedule', {
      method: 'POST',
      json: { schedules: ['sam.personal@outlook.test'], startTime: { dateTime: '2031-05-05T09:00:00', timeZone: 'UTC' }, endTime: { dateTime: '2031-05-05T12:00:00', timeZone: 'UTC' } },
    });
    expect(response.status).toBe(400);
  });
});

describe('subscriptions', () => {
  let webhook: Server;
  let hookUrl: string;
  let echo: 'token' | 'wrong' = 'token';
  const received: { url: string; body: string }[] = [];
  const waiters: (() => void)[] = [];

  beforeAll(async () => {
    webhook = createServer((request: IncomingMessage, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const token = url.searchParams.get('validationToken');
        if (token !== null) {
          response.writeHead(200, { 'content-type': 'text/plain' }).end(echo === 'token' ? token : 'nope');
          return;
        }
        received.push({ url: url.pathname, body });
        waiters.splice(0).forEach((wake) => wake());
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => webhook.close(() => resolve())));

  const nextDelivery = () => new Promise<void>((resolve) => waiters.push(resolve));
  const subscription = (minutes: number) => ({
    changeType: 'created,updated,deleted',
    notificationUrl: hookUrl,
    lifecycleNotificationUrl: hookUrl,
    resource: 'me/events',
    expirationDateTime: new Date(Date.now() + minutes * 60_000).toISOString(),
    clientState: 'secret-state',
  });

  it('validates the endpoint, notifies changes with clientState, renews and deletes', async () => {
    echo = 'token';
    received.length = 0;
    const created = await asTutor('/subscriptions', { method: 'POST', json: subscription(60) });
    expect(created.status).toBe(201);
    const sub = (await created.json()) as { id: string; expirationDateTime: string };

    const delivered = nextDelivery();
    const event = (await (await asTutor('/me/events', { method: 'POST', json: { ...meeting, attendees: [] } })).json()) as { id: string };
    await delivered;
    const notification = JSON.parse(received[0]?.body ?? '{}') as { value: Record<string, unknown>[] };
    expect(notification.value[0]).toMatchObject({
      subscriptionId: sub.id,
      clientState: 'secret-state',
      changeType: 'created',
      resourceData: { id: event.id },
    });
    expect(String(notification.value[0]?.resource)).toContain(event.id);

    const renewed = await asTutor(`/subscriptions/${sub.id}`, { method: 'PATCH', json: { expirationDateTime: new Date(Date.now() + 4000 * 60_000).toISOString() } });
    expect(renewed.status).toBe(200);
    const lifecycle = nextDelivery();
    await fetch(`${emulator.url}/__control/lifecycle`, { method: 'POST', body: JSON.stringify({ subscriptionId: sub.id, lifecycleEvent: 'reauthorizationRequired' }) });
    await lifecycle;
    expect(JSON.parse(received.at(-1)?.body ?? '{}')).toMatchObject({ value: [{ subscriptionId: sub.id, lifecycleEvent: 'reauthorizationRequired' }] });
    expect((await asTutor(`/subscriptions/${sub.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await asTutor(`/subscriptions/${sub.id}`)).status).toBe(404);
  });

  it('refuses a failed validation and an expiration beyond 4230 minutes', async () => {
    echo = 'wrong';
    expect((await asTutor('/subscriptions', { method: 'POST', json: subscription(60) })).status).toBe(400);
    echo = 'token';
    const tooLong = await asTutor('/subscriptions', { method: 'POST', json: subscription(4300) });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toContain('4230 minutes');
  });
});
