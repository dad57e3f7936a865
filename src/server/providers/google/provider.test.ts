/**
 * The Google adapter against the emulator (in-process, free port): invitations and answers across
 * two accounts, incremental changes, series exceptions in changes, free/busy, push channels, and
 * every injected fault surfacing as the right typed error. The shared contract suite covers the
 * rest (google.contract.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests run the emulator in-process; app code never imports it (eslint's src/ rule targets that).
import { apiAs, events, startReceiver } from '@/emulators/google/fidelity-helpers';
import { type GoogleTestbed, startGoogleTestbed, TESTBED_CLIENT } from '@/emulators/google/testbed';
import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../errors';
import type { ChangesPage, EventChange, EventWrite, TimeWindow } from '../types';
import { googleEndpointsAt } from './config';
import { createGoogleProvider, type GoogleCalendarProvider } from './provider';

const ORGANIZER = 'organizer@northbridge.test';
const ATTENDEE = 'attendee@northbridge.test';

let bed: GoogleTestbed;
let organizer: GoogleCalendarProvider;
let attendee: GoogleCalendarProvider;

function providerFor(email: string, pageSize = 50): GoogleCalendarProvider {
  return createGoogleProvider({
    config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) },
    tokens: bed.tokens(email),
    pageSize,
  });
}

beforeAll(async () => {
  bed = await startGoogleTestbed();
  organizer = providerFor(ORGANIZER);
  attendee = providerFor(ATTENDEE);
});
afterAll(async () => bed.close());

const range: TimeWindow = { start: new Date('2030-01-01T00:00:00Z'), end: new Date('2031-01-01T00:00:00Z') };

function write(title: string, startIso: string, endIso: string, extra: Partial<EventWrite> = {}): EventWrite {
  return {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time: { kind: 'timed', start: new Date(startIso), end: new Date(endIso), timeZone: 'Europe/London' },
    recurrence: null,
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: false,
    ...extra,
  };
}

async function drain(
  provider: GoogleCalendarProvider,
  email: string,
  cursor: string | null,
): Promise<{ changes: EventChange[]; cursor: string }> {
  const pages: ChangesPage[] = [];
  for await (const page of provider.readChanges(email, cursor, range)) pages.push(page);
  return { changes: pages.flatMap((page) => page.changes), cursor: pages.at(-1)?.nextCursor ?? '' };
}

describe('invitations, answers and cancellations across accounts', () => {
  it('delivers, answers and cancels, each side seeing it through incremental sync', async () => {
    const organizerStart = await drain(organizer, ORGANIZER, null);
    const attendeeStart = await drain(attendee, ATTENDEE, null);

    const meeting = await organizer.createEvent(
      ORGANIZER,
      write('Review', '2030-03-04T10:00:00Z', '2030-03-04T11:00:00Z', {
        attendees: [{ email: ATTENDEE, name: 'Avery', isOptional: false }],
        tandemMeetingId: 'meeting-1',
        onlineUrl: 'https://meet.example/abc',
        notifyAttendees: true,
      }),
    );
    expect(meeting.tandemMeetingId).toBe('meeting-1');
    expect(meeting.onlineUrl).toBe('https://meet.example/abc');
    expect(
      bed.emulator.control
        .outbox()
        .some((message) => message.eventId === meeting.externalId && message.to === ATTENDEE),
    ).toBe(true);

    const delivered = await drain(attendee, ATTENDEE, attendeeStart.cursor);
    const invitation = delivered.changes.find(
      (change) => change.type === 'upsert' && change.event.iCalUid === meeting.iCalUid,
    );
    if (invitation?.type !== 'upsert') throw new Error('invitation not delivered');
    expect(invitation.event.organizer?.email).toBe(ORGANIZER);
    // Our tag is private to the organiser's copy; the guest's copy is matched by iCalUID.
    expect(invitation.event.tandemMeetingId).toBeNull();
    expect(invitation.event.onlineUrl).toBe('https://meet.example/abc');
    expect(invitation.event.attendees.find((entry) => entry.isSelf)).toMatchObject({
      email: ATTENDEE,
      response: 'needs_action',
    });

    await attendee.respondToEvent(ATTENDEE, invitation.event.externalId, 'tentative', {
      comment: 'Might be late',
    });
    const answered = await drain(organizer, ORGANIZER, organizerStart.cursor);
    const seen = answered.changes.find(
      (change) => change.type === 'upsert' && change.event.externalId === meeting.externalId,
    );
    if (seen?.type !== 'upsert') throw new Error('answer not seen by the organiser');
    expect(seen.event.attendees.find((entry) => entry.email === ATTENDEE)?.response).toBe('tentative');

    await organizer.cancelEvent(ORGANIZER, meeting.externalId, { etag: seen.event.etag });
    const cancelled = await drain(attendee, ATTENDEE, delivered.cursor);
    expect(cancelled.changes).toContainEqual({ type: 'removed', externalId: invitation.event.externalId });
  });

  it('replaces the comment of an earlier answer: a new answer without one leaves none', async () => {
    const meeting = await organizer.createEvent(
      ORGANIZER,
      write('Comment', '2030-03-06T10:00:00Z', '2030-03-06T11:00:00Z', {
        attendees: [{ email: ATTENDEE, name: 'Avery', isOptional: false }],
      }),
    );
    const organizersEntry = async () => {
      const response = await apiAs(bed, ORGANIZER).get(events('primary', `/${meeting.externalId}`));
      return response.body.attendees.find((entry: { email: string }) => entry.email === ATTENDEE);
    };
    await attendee.respondToEvent(ATTENDEE, meeting.externalId, 'tentative', { comment: 'Might be late' });
    expect(await organizersEntry()).toMatchObject({ responseStatus: 'tentative', comment: 'Might be late' });
    await attendee.respondToEvent(ATTENDEE, meeting.externalId, 'accepted');
    const entry = await organizersEntry();
    expect(entry.responseStatus).toBe('accepted');
    expect(entry).not.toHaveProperty('comment');
  });

  it('refuses to answer an event the account is not invited to', async () => {
    const own = await attendee.createEvent(
      ATTENDEE,
      write('Mine', '2030-03-05T10:00:00Z', '2030-03-05T11:00:00Z'),
    );
    await expect(attendee.respondToEvent(ATTENDEE, own.externalId, 'accepted')).rejects.toBeInstanceOf(
      ProviderBadRequestError,
    );
  });
});

describe('series in incremental changes', () => {
  it('reports a moved instance as an exception and a cancelled one as a cancelled upsert of the series', async () => {
    const start = await drain(organizer, ORGANIZER, null);
    const master = await organizer.createEvent(
      ORGANIZER,
      write('Weekly', '2030-04-01T09:00:00Z', '2030-04-01T10:00:00Z', {
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
      }),
    );
    const instances = (
      await organizer.readEvents(ORGANIZER, {
        start: new Date('2030-04-01T00:00:00Z'),
        end: new Date('2030-04-30T00:00:00Z'),
      })
    ).filter((event) => event.seriesExternalId === master.externalId);
    expect(instances).toHaveLength(3);
    await organizer.updateEvent(
      ORGANIZER,
      instances[1]!.externalId,
      write('Weekly (moved)', '2030-04-09T13:00:00Z', '2030-04-09T14:00:00Z'),
    );
    await organizer.cancelEvent(ORGANIZER, instances[2]!.externalId);

    const { changes } = await drain(organizer, ORGANIZER, start.cursor);
    const related = changes.flatMap((change) =>
      change.type === 'upsert' && change.event.seriesExternalId === master.externalId ? [change.event] : [],
    );
    expect(
      related.map((event) => [
        event.status,
        event.title,
        event.originalStart?.kind === 'timed' && event.originalStart.start.toISOString(),
      ]),
    ).toEqual([
      ['confirmed', 'Weekly (moved)', '2030-04-08T09:00:00.000Z'],
      ['cancelled', null, '2030-04-15T09:00:00.000Z'],
    ]);
    expect(
      changes.some((change) => change.type === 'upsert' && change.event.externalId === master.externalId),
    ).toBe(true);
  });
});

describe('free/busy', () => {
  it('answers per account, not_found for unknown ones', async () => {
    await attendee.createEvent(ATTENDEE, write('Busy', '2030-09-02T10:00:00Z', '2030-09-02T11:00:00Z'));
    const result = await organizer.freeBusy([ATTENDEE, 'stranger@example.org'], {
      start: new Date('2030-09-02T00:00:00Z'),
      end: new Date('2030-09-03T00:00:00Z'),
    });
    expect(result.get(ATTENDEE)).toEqual({
      ok: true,
      busy: [
        { start: new Date('2030-09-02T10:00:00Z'), end: new Date('2030-09-02T11:00:00Z'), showAs: 'busy' },
      ],
    });
    expect(result.get('stranger@example.org')).toEqual({ ok: false, reason: 'not_found' });
  });
});

describe('push channels', () => {
  it('watches, renews with a new channel and stops the old one, and stops idempotently', async () => {
    const receiver = await startReceiver();
    try {
      const channel = await organizer.watch(ORGANIZER, {
        address: receiver.url,
        token: 'tok',
        channelId: 'tandem-1',
        ttlSeconds: 600,
      });
      expect(channel.channelId).toBe('tandem-1');
      expect(channel.expiresAt.getTime()).toBeGreaterThan(Date.now());
      const renewed = await organizer.renewWatch(ORGANIZER, channel, {
        address: receiver.url,
        token: 'tok',
        channelId: 'tandem-1',
      });
      expect(renewed.channelId).not.toBe('tandem-1');
      await organizer.createEvent(ORGANIZER, write('Ping', '2030-10-01T10:00:00Z', '2030-10-01T11:00:00Z'));
      await bed.emulator.control.pushIdle();
      const states = receiver.received.map((message) => [
        message.headers['x-goog-channel-id'],
        message.headers['x-goog-resource-state'],
      ]);
      expect(states).toEqual([
        ['tandem-1', 'sync'],
        [renewed.channelId, 'sync'],
        [renewed.channelId, 'exists'],
      ]);
      await organizer.stopWatch(renewed);
      await expect(organizer.stopWatch(renewed)).resolves.toBeUndefined();
    } finally {
      await receiver.close();
    }
  });
});

describe('faults become typed errors', () => {
  it('429 → RateLimited with Retry-After; 403 rate and quota reasons → RateLimited', async () => {
    bed.emulator.control.preset('rate_limit_429', { retryAfterSeconds: 7 });
    const limited = await organizer.listCalendars().catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(ProviderRateLimitedError);
    expect((limited as ProviderRateLimitedError).retryAfterMs).toBe(7000);
    for (const reason of ['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']) {
      bed.emulator.control.preset('rate_limit_403', { reason });
      const error = await organizer.readEvents(ORGANIZER, range).catch((caught: unknown) => caught);
      expect(error, reason).toBeInstanceOf(ProviderRateLimitedError);
      expect((error as ProviderRateLimitedError).status).toBe(403);
    }
  });

  it('5xx → Unavailable; a refused connection → Unavailable', async () => {
    bed.emulator.control.preset('server_error', { status: 500 });
    await expect(organizer.getEvent(ORGANIZER, 'whatever00')).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    bed.emulator.control.preset('server_error', { status: 503, retryAfterSeconds: 2 });
    await expect(organizer.listCalendars()).rejects.toBeInstanceOf(ProviderUnavailableError);
    const offline = createGoogleProvider({
      config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt('http://127.0.0.1:9') },
      tokens: {
        accessToken: 'x',
        refreshToken: null,
        expiresAt: new Date(Date.now() + 3_600_000),
        scope: null,
      },
    });
    await expect(offline.listCalendars()).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('410 on a sync token → CursorExpired; 404 → NotFound; 400 → BadRequest; slow answers still succeed', async () => {
    const { cursor } = await drain(organizer, ORGANIZER, null);
    bed.emulator.control.preset('sync_token_410');
    await expect(drain(organizer, ORGANIZER, cursor)).rejects.toBeInstanceOf(CursorExpiredError);
    await expect(organizer.getEvent(ORGANIZER, 'missing00000')).rejects.toBeInstanceOf(ProviderNotFoundError);
    await expect(
      organizer.createEvent(ORGANIZER, write('Backwards', '2030-05-01T11:00:00Z', '2030-05-01T10:00:00Z')),
    ).rejects.toBeInstanceOf(ProviderBadRequestError);
    bed.emulator.control.preset('slow', { delayMs: 20 });
    await expect(organizer.listCalendars()).resolves.toHaveLength(1);
  });

  it('a revoked grant → AuthRevoked (401, then invalid_grant on refresh)', async () => {
    const victim = providerFor('third@northbridge.test');
    await victim.listCalendars();
    bed.emulator.control.preset('revoked_grant', { email: 'third@northbridge.test' });
    await expect(victim.listCalendars()).rejects.toBeInstanceOf(ProviderAuthRevokedError);
  });
});
