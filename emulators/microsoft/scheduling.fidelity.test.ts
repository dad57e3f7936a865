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
const asTutor = (path: string, init: Parameters<typeof graphFetch>[3] = {}) =>
  graphFetch(emulator.url, tutor, path, init);
const asLearner = (path: string, init: Parameters<typeof graphFetch>[3] = {}) =>
  graphFetch(emulator.url, learner, path, init);
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
  const { value } = (await (await asLearner(`/me/calendarView?${view}`)).json()) as {
    value: Record<string, unknown>[];
  };
  return value.find((item) => item.subject === 'Review' || String(item.subject).startsWith('Canceled:'));
}

describe('invitations between emulated mailboxes', () => {
  it('delivers the invitation, carries the answer back, and propagates the cancellation', async () => {
    const created = (await (await asTutor('/me/events', { method: 'POST', json: meeting })).json()) as Record<
      string,
      unknown
    >;
    const copy = await learnerCopy();
    expect(copy).toMatchObject({
      iCalUId: created.iCalUId,
      isOrganizer: false,
      responseStatus: { response: 'notResponded' },
    });

    expect(
      (await asLearner(`/me/events/${String(copy?.id)}/cancel`, { method: 'POST', json: {} })).status,
    ).toBe(400);
    expect(
      (
        await asLearner(`/me/events/${String(copy?.id)}/tentativelyAccept`, {
          method: 'POST',
          json: { sendResponse: true },
        })
      ).status,
    ).toBe(202);
    const organizerCopy = (await (await asTutor(`/me/events/${String(created.id)}`)).json()) as {
      attendees: { status: { response: string } }[];
    };
    expect(organizerCopy.attendees[0]?.status.response).toBe('tentativelyAccepted');

    expect(
      (
        await asTutor(`/me/events/${String(created.id)}/cancel`, {
          method: 'POST',
          json: { comment: 'sorry' },
        })
      ).status,
    ).toBe(202);
    expect((await asTutor(`/me/events/${String(created.id)}`)).status).toBe(404);
    expect(await learnerCopy()).toMatchObject({ isCancelled: true });
  });

  it('a declined invitation leaves the attendee calendar (Exchange moves it to Deleted Items)', async () => {
    const created = (await (await asTutor('/me/events', { method: 'POST', json: meeting })).json()) as {
      id: string;
    };
    const copy = await learnerCopy();
    expect(
      (await asLearner(`/me/events/${String(copy?.id)}/decline`, { method: 'POST', json: {} })).status,
    ).toBe(202);
    expect(await learnerCopy()).toBeUndefined();
    const organizerCopy = (await (await asTutor(`/me/events/${created.id}`)).json()) as {
      attendees: { status: { response: string } }[];
    };
    expect(organizerCopy.attendees[0]?.status.response).toBe('declined');
  });
});

/**
 * Cancelling a recurring series that has exceptions: the organiser's client follows the series'
 * cancellation with one for each exception not yet started (MS-OXOCAL 3.1.4.9.1.2 "Cancelling a
 * Recurring Series"), so the attendee's copy shows every instance cancelled, the exception too.
 */
describe('a cancelled series', () => {
  it("cancels the attendee copy's exceptions as well as its occurrences", async () => {
    const created = (await (
      await asTutor('/me/events', {
        method: 'POST',
        json: {
          ...meeting,
          recurrence: {
            pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
            range: { type: 'numbered', startDate: '2031-05-05', numberOfOccurrences: 3 },
          },
        },
      })
    ).json()) as { id: string };
    const weeks = 'startDateTime=2031-05-04T00:00:00Z&endDateTime=2031-05-25T00:00:00Z';
    const { value: instances } = (await (
      await asTutor(`/me/events/${created.id}/instances?${weeks}`)
    ).json()) as { value: { id: string }[] };
    const moved = await asTutor(`/me/events/${String(instances[1]?.id)}`, {
      method: 'PATCH',
      json: {
        start: { dateTime: '2031-05-12T14:00:00', timeZone: 'UTC' },
        end: { dateTime: '2031-05-12T15:00:00', timeZone: 'UTC' },
      },
    });
    expect(moved.status).toBe(200);
    const learnerInstances = async () =>
      (
        (await (await asLearner(`/me/calendarView?${weeks}`)).json()) as {
          value: { type: string; isCancelled: boolean }[];
        }
      ).value;
    expect((await learnerInstances()).map((item) => [item.type, item.isCancelled])).toEqual([
      ['occurrence', false],
      ['exception', false],
      ['occurrence', false],
    ]);

    expect((await asTutor(`/me/events/${created.id}/cancel`, { method: 'POST', json: {} })).status).toBe(202);
    expect((await learnerInstances()).map((item) => [item.type, item.isCancelled])).toEqual([
      ['occurrence', true],
      ['exception', true],
      ['occurrence', true],
    ]);
  });
});

/**
 * A significant change (start, end or recurrence: MS-OXOCAL 3.1.4.7.3.1) is a full update: the
 * organiser's client clears the responses tallied so far (3.1.4.7.3.2, PidTagRecipientTrackStatus
 * back to respNone) and the attendee answers again, Outlook ignoring their earlier answer (Outlook's
 * "full update" versus "informational update"). Other changes keep the answers.
 */
describe('a move asks attendees again', () => {
  async function answeredMeeting(): Promise<string> {
    const created = (await (await asTutor('/me/events', { method: 'POST', json: meeting })).json()) as {
      id: string;
    };
    const copy = await learnerCopy();
    await asLearner(`/me/events/${String(copy?.id)}/tentativelyAccept`, {
      method: 'POST',
      json: { sendResponse: true },
    });
    return created.id;
  }
  const organizerAnswer = async (id: string) =>
    (
      (await (await asTutor(`/me/events/${id}`)).json()) as {
        attendees: { status: { response: string } }[];
      }
    ).attendees[0]?.status.response;

  it('a new time clears the answer on the organiser’s copy and on the attendee’s own copy', async () => {
    const id = await answeredMeeting();
    expect(await organizerAnswer(id)).toBe('tentativelyAccepted');
    const moved = await asTutor(`/me/events/${id}`, {
      method: 'PATCH',
      json: {
        start: { dateTime: '2031-05-05T13:00:00', timeZone: 'UTC' },
        end: { dateTime: '2031-05-05T14:00:00', timeZone: 'UTC' },
      },
    });
    expect(moved.status).toBe(200);
    expect(await organizerAnswer(id)).toBe('none');
    expect(await learnerCopy()).toMatchObject({
      responseStatus: { response: 'notResponded' },
      showAs: 'tentative',
      start: { dateTime: expect.stringMatching(/^2031-05-05T13:00:00/) },
    });
  });

  it('a new subject, or the same time written again in another zone, keeps the answers', async () => {
    const id = await answeredMeeting();
    await asTutor(`/me/events/${id}`, {
      method: 'PATCH',
      json: {
        subject: 'Review',
        start: { dateTime: '2031-05-05T11:00:00', timeZone: 'Europe/London' },
        end: { dateTime: '2031-05-05T12:00:00', timeZone: 'Europe/London' },
      },
    });
    expect(await organizerAnswer(id)).toBe('tentativelyAccepted');
    expect(await learnerCopy()).toMatchObject({ responseStatus: { response: 'tentativelyAccepted' } });
  });
});

describe('answers that propose a new time', () => {
  const proposal = {
    start: { dateTime: '2031-05-06T14:00:00', timeZone: 'UTC' },
    end: { dateTime: '2031-05-06T15:00:00', timeZone: 'UTC' },
  };
  type Attendee = {
    emailAddress: { address: string; name: string };
    status: { response: string };
    proposedNewTime?: unknown;
  };
  const organizersAttendee = async (id: string, headers: Record<string, string> = {}) =>
    ((await (await asTutor(`/me/events/${id}`, { headers })).json()) as { attendees: Attendee[] })
      .attendees[0];

  for (const [action, response] of [
    ['tentativelyAccept', 'tentativelyAccepted'],
    ['decline', 'declined'],
  ] as const) {
    it(`${action} with proposedNewTime shows the proposal on that attendee in the organiser’s copy`, async () => {
      const created = (await (await asTutor('/me/events', { method: 'POST', json: meeting })).json()) as {
        id: string;
      };
      const copy = await learnerCopy();
      const answered = await asLearner(`/me/events/${String(copy?.id)}/${action}`, {
        method: 'POST',
        json: { comment: 'Next day?', sendResponse: true, proposedNewTime: proposal },
      });
      expect(answered.status).toBe(202);
      const attendee = await organizersAttendee(created.id);
      expect(attendee?.status.response).toBe(response);
      expect(attendee?.proposedNewTime).toEqual({
        start: { dateTime: '2031-05-06T14:00:00.0000000', timeZone: 'UTC' },
        end: { dateTime: '2031-05-06T15:00:00.0000000', timeZone: 'UTC' },
      });
      // Served in the zone the organiser prefers, like every other time.
      const inLondon = await organizersAttendee(created.id, { Prefer: 'outlook.timezone="Europe/London"' });
      expect(inLondon?.proposedNewTime).toEqual({
        start: { dateTime: '2031-05-06T15:00:00.0000000', timeZone: 'Europe/London' },
        end: { dateTime: '2031-05-06T16:00:00.0000000', timeZone: 'Europe/London' },
      });
    });
  }

  it('drops an earlier proposal when the attendee answers again without one', async () => {
    const created = (await (await asTutor('/me/events', { method: 'POST', json: meeting })).json()) as {
      id: string;
    };
    const copy = await learnerCopy();
    await asLearner(`/me/events/${String(copy?.id)}/tentativelyAccept`, {
      method: 'POST',
      json: { sendResponse: true, proposedNewTime: proposal },
    });
    expect(
      (
        await asLearner(`/me/events/${String(copy?.id)}/accept`, {
          method: 'POST',
          json: { sendResponse: true },
        })
      ).status,
    ).toBe(202);
    const attendee = await organizersAttendee(created.id);
    expect(attendee?.status.response).toBe('accepted');
    expect(attendee).not.toHaveProperty('proposedNewTime');
  });

  it('refuses proposedNewTime with sendResponse false (400, Graph’s error body) and on accept, changing nothing', async () => {
    const created = (await (await asTutor('/me/events', { method: 'POST', json: meeting })).json()) as {
      id: string;
    };
    const copy = await learnerCopy();
    const silent = await asLearner(`/me/events/${String(copy?.id)}/tentativelyAccept`, {
      method: 'POST',
      json: { sendResponse: false, proposedNewTime: proposal },
    });
    expect(silent.status).toBe(400);
    const body = (await silent.json()) as {
      error: { code: string; message: string; innerError: Record<string, string> };
    };
    expect(body.error.code).toBe('ErrorInvalidRequest');
    expect(body.error.message).toContain('sendResponse');
    expect(body.error.innerError).toEqual({
      date: expect.any(String),
      'request-id': expect.any(String),
      'client-request-id': expect.any(String),
    });
    const onAccept = await asLearner(`/me/events/${String(copy?.id)}/accept`, {
      method: 'POST',
      json: { sendResponse: true, proposedNewTime: proposal },
    });
    expect(onAccept.status).toBe(400);
    expect(((await onAccept.json()) as { error: { code: string } }).error.code).toBe('RequestBodyRead');
    expect(await learnerCopy()).toMatchObject({ responseStatus: { response: 'notResponded' } });
    expect((await organizersAttendee(created.id))?.status.response).toBe('none');
  });

  it('refuses a proposal where the organiser allows none (allowNewTimeProposals false, carried to the copy)', async () => {
    await asTutor('/me/events', { method: 'POST', json: { ...meeting, allowNewTimeProposals: false } });
    const copy = await learnerCopy();
    expect(copy).toMatchObject({ allowNewTimeProposals: false });
    const proposing = await asLearner(`/me/events/${String(copy?.id)}/decline`, {
      method: 'POST',
      json: { sendResponse: true, proposedNewTime: proposal },
    });
    expect(proposing.status).toBe(400);
    expect(((await proposing.json()) as { error: { code: string } }).error.code).toBe('ErrorInvalidRequest');
  });
});

describe('attendee display names', () => {
  it('keeps emailAddress.name on the organiser’s and the attendee’s copies, through answers and updates', async () => {
    const named = {
      ...meeting,
      attendees: [
        { emailAddress: { address: 'learner4@northbridge.test', name: 'Lee Four' }, type: 'required' },
        { emailAddress: { address: 'gail@example.org', name: 'Gail Guest' }, type: 'optional' },
      ],
    };
    const created = (await (await asTutor('/me/events', { method: 'POST', json: named })).json()) as {
      id: string;
    };
    const names = (event: unknown) =>
      (event as { attendees: { emailAddress: { address: string; name: string } }[] }).attendees.map((a) => [
        a.emailAddress.address,
        a.emailAddress.name,
      ]);
    const expected = [
      ['learner4@northbridge.test', 'Lee Four'],
      ['gail@example.org', 'Gail Guest'],
    ];
    const organizers = async () => (await asTutor(`/me/events/${created.id}`)).json();
    expect(names(await organizers())).toEqual(expected);
    const copy = await learnerCopy();
    expect(names(copy)).toEqual(expected);

    await asLearner(`/me/events/${String(copy?.id)}/accept`, {
      method: 'POST',
      json: { sendResponse: true },
    });
    expect(names(await organizers())).toEqual(expected);
    await asTutor(`/me/events/${created.id}`, {
      method: 'PATCH',
      json: {
        start: { dateTime: '2031-05-05T12:00:00', timeZone: 'UTC' },
        end: { dateTime: '2031-05-05T13:00:00', timeZone: 'UTC' },
      },
    });
    expect(names(await organizers())).toEqual(expected);
    expect(names(await learnerCopy())).toEqual(expected);
    // A client that re-sends the list by address only does not wipe the names.
    const byAddress = named.attendees.map(({ emailAddress, type }) => ({
      emailAddress: { address: emailAddress.address },
      type,
    }));
    await asTutor(`/me/events/${created.id}`, { method: 'PATCH', json: { attendees: byAddress } });
    expect(names(await organizers())).toEqual(expected);
    expect(names(await learnerCopy())).toEqual(expected);
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
    expect(value[0]).toMatchObject({
      scheduleId: 'tutor1@northbridge.test',
      availabilityView: '030',
      workingHours: { startTime: '09:00:00.0000000' },
    });
    expect(value[0]?.scheduleItems).toEqual([
      expect.objectContaining({
        status: 'oof',
        start: { dateTime: '2031-05-05T10:00:00.0000000', timeZone: 'UTC' },
      }),
    ]);
    expect(value[1]).toMatchObject({ error: { responseCode: 'ErrorMailRecipientNotFound' } });
  });

  it('is not available to personal accounts', async () => {
    const personal = (await signIn(emulator.url, 'sam.personal@outlook.test')).access_token;
    const response = await graphFetch(emulator.url, personal, '/me/calendar/getSchedule', {
      method: 'POST',
      json: {
        schedules: ['sam.personal@outlook.test'],
        startTime: { dateTime: '2031-05-05T09:00:00', timeZone: 'UTC' },
        endTime: { dateTime: '2031-05-05T12:00:00', timeZone: 'UTC' },
      },
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
    const event = (await (
      await asTutor('/me/events', { method: 'POST', json: { ...meeting, attendees: [] } })
    ).json()) as { id: string };
    await delivered;
    const notification = JSON.parse(received[0]?.body ?? '{}') as { value: Record<string, unknown>[] };
    expect(notification.value[0]).toMatchObject({
      subscriptionId: sub.id,
      clientState: 'secret-state',
      changeType: 'created',
      resourceData: { id: event.id },
    });
    expect(String(notification.value[0]?.resource)).toContain(event.id);

    const renewed = await asTutor(`/subscriptions/${sub.id}`, {
      method: 'PATCH',
      json: { expirationDateTime: new Date(Date.now() + 4000 * 60_000).toISOString() },
    });
    expect(renewed.status).toBe(200);
    const lifecycle = nextDelivery();
    await fetch(`${emulator.url}/__control/lifecycle`, {
      method: 'POST',
      body: JSON.stringify({ subscriptionId: sub.id, lifecycleEvent: 'reauthorizationRequired' }),
    });
    await lifecycle;
    expect(JSON.parse(received.at(-1)?.body ?? '{}')).toMatchObject({
      value: [{ subscriptionId: sub.id, lifecycleEvent: 'reauthorizationRequired' }],
    });
    expect((await asTutor(`/subscriptions/${sub.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await asTutor(`/subscriptions/${sub.id}`)).status).toBe(404);
  });

  it('refuses a failed validation and an expiration beyond 4230 minutes', async () => {
    echo = 'wrong';
    expect((await asTutor('/subscriptions', { method: 'POST', json: subscription(60) })).status).toBe(400);
    echo = 'token';
    const tooLong = await asTutor('/subscriptions', { method: 'POST', json: subscription(4300) });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toContain(
      '4230 minutes',
    );
  });
});
