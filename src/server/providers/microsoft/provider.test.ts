import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import type { EventWrite } from '../types';
import { buildAuthorizationUrl, createPkcePair } from './oauth';

/** Adapter behaviour beyond the shared contract: OAuth, app-only, free/busy, push, series deltas. */

let testbed: MicrosoftTestbed;
beforeAll(async () => {
  testbed = await startMicrosoftTestbed();
});
afterAll(() => testbed.close());

const write = (title: string, start: string, end: string, extra: Partial<EventWrite> = {}): EventWrite => ({
  title,
  description: null,
  location: null,
  onlineUrl: null,
  recurrence: null,
  attendees: [],
  tandemMeetingId: null,
  notifyAttendees: true,
  time: { kind: 'timed', start: new Date(start), end: new Date(end), timeZone: 'Europe/London' },
  ...extra,
});

describe('OAuth', () => {
  it('builds an authorization URL with PKCE S256, state and the delegated scopes', () => {
    const pkce = createPkcePair();
    const url = new URL(
      buildAuthorizationUrl(
        { clientId: 'c', clientSecret: 's', tenant: 'consumers' },
        { redirectUri: 'https://app/cb', state: 'st', codeChallenge: pkce.challenge },
      ),
    );
    expect(url.origin + url.pathname).toBe(
      'https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize',
    );
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.get('scope')).toContain('offline_access');
    expect(url.searchParams.get('scope')).toContain('Calendars.ReadWrite');
  });

  it('refreshes ahead of expiry and reports the new tokens', async () => {
    const tokens = await testbed.signIn('admin@northbridge.test');
    let now = new Date();
    const account = await testbed.connect('admin@northbridge.test', { tokens, now: () => now });
    expect(account.refreshed).toHaveLength(0);
    now = new Date(tokens.expiresAt.getTime() - 60_000);
    await account.provider.listCalendars();
    expect(account.refreshed).toHaveLength(1);
    expect(account.refreshed[0]?.accessToken).not.toBe(tokens.accessToken);
    expect(account.refreshed[0]?.refreshToken).toBeTruthy();
  });

  it('signs a personal account in through the consumers tenant; free/busy is not available for it', async () => {
    const tokens = await testbed.signIn('sam.personal@outlook.test', 'consumers');
    const personal = await testbed.connect('sam.personal@outlook.test', { tokens });
    expect(personal.provider.capabilities.freeBusyQuery).toBe(false);
    const answer = await personal.provider.freeBusy(['sam.personal@outlook.test'], {
      start: new Date(),
      end: new Date(Date.now() + 86_400_000),
    });
    expect(answer.get('sam.personal@outlook.test')).toEqual({ ok: false, reason: 'not_available' });
  });
});

describe('app-only (client credentials) connections', () => {
  it('works on /users/{id} and sends invitations like a delegated one', async () => {
    const provider = testbed.connectApp('tutor2@northbridge.test');
    const calendars = await provider.listCalendars();
    const calendarId = calendars.find((c) => c.isPrimary)?.externalId ?? '';
    const created = await provider.createEvent(
      calendarId,
      write('app-only meeting', '2031-07-01T09:00:00Z', '2031-07-01T10:00:00Z', {
        attendees: [{ email: 'learner2@northbridge.test', name: null, isOptional: false }],
      }),
    );
    const learner = testbed.connectApp('learner2@northbridge.test');
    const learnerCalendar = (await learner.listCalendars())[0]?.externalId ?? '';
    const copies = await learner.readEvents(learnerCalendar, {
      start: new Date('2031-07-01T00:00:00Z'),
      end: new Date('2031-07-02T00:00:00Z'),
    });
    expect(copies.find((event) => event.iCalUid === created.iCalUid)?.organizer?.email).toBe(
      'tutor2@northbridge.test',
    );
  });
});

describe('free/busy', () => {
  it('answers busy intervals from getSchedule and not_found for unknown addresses', async () => {
    const tutor = await testbed.connect('tutor1@northbridge.test');
    await tutor.provider.createEvent(
      tutor.calendarId,
      write('busy block', '2031-08-04T10:00:00Z', '2031-08-04T11:00:00Z'),
    );
    const answer = await tutor.provider.freeBusy(['tutor1@northbridge.test', 'ghost@northbridge.test'], {
      start: new Date('2031-08-04T00:00:00Z'),
      end: new Date('2031-08-05T00:00:00Z'),
    });
    expect(answer.get('tutor1@northbridge.test')).toEqual({
      ok: true,
      busy: [
        { start: new Date('2031-08-04T10:00:00Z'), end: new Date('2031-08-04T11:00:00Z'), showAs: 'busy' },
      ],
    });
    expect(answer.get('ghost@northbridge.test')).toEqual({ ok: false, reason: 'not_found' });
  });
});

describe('push', () => {
  let webhook: Server;
  let address: string;
  const bodies: string[] = [];
  let onBody: (() => void) | null = null;
  beforeAll(async () => {
    webhook = createServer((request, response) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('validationToken');
      if (token) return void response.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        onBody?.();
        response.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/api/webhooks/microsoft`;
  });
  afterAll(() => new Promise<void>((resolve) => webhook.close(() => resolve())));

  it('subscribes to a calendar, receives a change with our clientState, renews and stops', async () => {
    const learner = await testbed.connect('learner3@northbridge.test');
    const request = { address, token: 'channel-secret', channelId: 'ignored-by-graph', ttlSeconds: 3600 };
    const channel = await learner.provider.watch(learner.calendarId, request);
    expect(channel.resourceId).toBe(channel.channelId);
    expect(channel.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);

    const arrived = new Promise<void>((resolve) => (onBody = resolve));
    await learner.provider.createEvent(
      learner.calendarId,
      write('pushed', '2031-09-01T09:00:00Z', '2031-09-01T10:00:00Z'),
    );
    await arrived;
    expect(JSON.parse(bodies.at(-1) ?? '{}')).toMatchObject({
      value: [{ subscriptionId: channel.channelId, clientState: 'channel-secret', changeType: 'created' }],
    });

    const renewed = await learner.provider.renewWatch(learner.calendarId, channel, {
      ...request,
      ttlSeconds: 7200,
    });
    expect(renewed.channelId).toBe(channel.channelId);
    expect(renewed.expiresAt.getTime()).toBeGreaterThan(channel.expiresAt.getTime());
    await learner.provider.stopWatch(renewed);
    await learner.provider.stopWatch(renewed); // already gone: quietly done
    const replaced = await learner.provider.renewWatch(learner.calendarId, renewed, request);
    expect(replaced.channelId).not.toBe(renewed.channelId);
    await learner.provider.stopWatch(replaced);
  });
});

describe('recurring series through delta', () => {
  it('an incremental round after cancelling an occurrence brings the master with a new EXDATE', async () => {
    const tutor = await testbed.connect('tutor2@northbridge.test', { pageSize: 3 });
    const range = { start: new Date('2031-10-01T00:00:00Z'), end: new Date('2031-10-31T00:00:00Z') };
    const master = await tutor.provider.createEvent(
      tutor.calendarId,
      write('series', '2031-10-06T08:00:00Z', '2031-10-06T09:00:00Z', {
        recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4'],
      }),
    );
    let cursor: string | null = null;
    for await (const page of tutor.provider.readChanges(tutor.calendarId, null, range))
      cursor = page.nextCursor ?? cursor;
    const instances = (await tutor.provider.readEvents(tutor.calendarId, range)).filter(
      (e) => e.seriesExternalId === master.externalId,
    );
    expect(instances).toHaveLength(4);
    await tutor.provider.cancelEvent(tutor.calendarId, instances[1]!.externalId);

    const changes = [];
    for await (const page of tutor.provider.readChanges(tutor.calendarId, cursor, range))
      changes.push(...page.changes);
    const masterChange = changes.find((c) => c.type === 'upsert' && c.event.externalId === master.externalId);
    expect(masterChange?.type === 'upsert' && masterChange.event.recurrence).toEqual([
      'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4',
      'EXDATE;TZID=Europe/London:20311013T090000',
    ]);
    // Marked: the mirror keeps a removed exception of a series it holds as a cancelled one.
    expect(changes).toContainEqual({
      type: 'removed',
      externalId: instances[1]!.externalId,
      instanceMeansCancelled: true,
    });
  });

  it('creates a series with EXDATE lines by cancelling those occurrences', async () => {
    const tutor = await testbed.connect('tutor2@northbridge.test');
    const range = { start: new Date('2031-11-01T00:00:00Z'), end: new Date('2031-11-10T00:00:00Z') };
    const master = await tutor.provider.createEvent(
      tutor.calendarId,
      write('with exdate', '2031-11-03T10:00:00Z', '2031-11-03T11:00:00Z', {
        time: {
          kind: 'timed',
          start: new Date('2031-11-03T10:00:00Z'),
          end: new Date('2031-11-03T11:00:00Z'),
          timeZone: 'UTC',
        },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20311104T100000Z'],
      }),
    );
    const starts = (await tutor.provider.readEvents(tutor.calendarId, range))
      .filter((e) => e.seriesExternalId === master.externalId)
      .map((e) => (e.time.kind === 'timed' ? e.time.start.toISOString() : ''));
    expect(starts).toEqual(['2031-11-03T10:00:00.000Z', '2031-11-05T10:00:00.000Z']);
  });
});
