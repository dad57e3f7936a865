import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startMicrosoftTestbed,
  type ConnectedAccount,
  type MicrosoftTestbed,
} from '@/emulators/microsoft/testbed';
import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../errors';
import { readDeltaPages } from './delta-reader';
import { toProviderEvent, type GraphEvent } from './event-mapping';
import type { GraphSession } from './graph-session';
import { MicrosoftCalendarProvider } from './provider';
import { toGraphRecurrence } from './recurrence-mapping';

/** Each injected fault reaches the caller as the right typed error, at once (no SDK retries). */

let testbed: MicrosoftTestbed;
let account: ConnectedAccount;
const range = { start: new Date('2031-06-01T00:00:00Z'), end: new Date('2031-06-08T00:00:00Z') };

beforeAll(async () => {
  testbed = await startMicrosoftTestbed();
  account = await testbed.connect('learner5@northbridge.test');
});
afterAll(() => testbed.close());
beforeEach(() => {
  testbed.emulator.control.clearFaults();
  testbed.emulator.control.counts.clear();
});

const callsTo = (route: string) => testbed.emulator.control.counts.get(route) ?? 0;

describe('fault mapping', () => {
  it('429 with Retry-After → ProviderRateLimitedError(retryAfterMs), one request only', async () => {
    testbed.fault({ path: '/calendars', method: 'GET', status: 429, retryAfterSeconds: 7 });
    const error = await account.provider.listCalendars().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect((error as ProviderRateLimitedError).retryAfterMs).toBe(7000);
    // The SDK's RetryHandler would have slept 7 s and retried: our chain has none.
    expect(callsTo('GET /v1.0/me/calendars')).toBe(1);
  });

  it('503 with Retry-After → ProviderRateLimitedError; 503 without → ProviderUnavailableError', async () => {
    testbed.fault({ path: 'calendarView', status: 503, retryAfterSeconds: 2 });
    await expect(account.provider.readEvents(account.calendarId, range)).rejects.toMatchObject({
      name: 'ProviderRateLimitedError',
      retryAfterMs: 2000,
    });
    testbed.fault({ path: 'calendarView', status: 503 });
    await expect(account.provider.readEvents(account.calendarId, range)).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it('other 5xx and dropped connections → ProviderUnavailableError', async () => {
    testbed.fault({ path: 'calendarView', status: 500 });
    await expect(account.provider.readEvents(account.calendarId, range)).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    testbed.fault({ path: 'calendarView', kind: 'reset' });
    await expect(account.provider.readEvents(account.calendarId, range)).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it('a slow response still succeeds', async () => {
    testbed.fault({ path: '/calendars', kind: 'delay', delayMs: 300 });
    await expect(account.provider.listCalendars()).resolves.toHaveLength(1);
  });

  it('401 → ProviderAuthRevokedError; 404 → ProviderNotFoundError; 400 → ProviderBadRequestError', async () => {
    // One 401 is an access token that expired early: renewed and tried once more, it succeeds.
    testbed.fault({ path: '/calendars', status: 401 });
    await expect(account.provider.listCalendars()).resolves.toHaveLength(1);
    // Refused again with the renewed token: the grant is gone.
    testbed.fault({ path: '/calendars', status: 401, times: 2 });
    await expect(account.provider.listCalendars()).rejects.toBeInstanceOf(ProviderAuthRevokedError);
    await expect(account.provider.getEvent(account.calendarId, 'AAMkAnothere')).rejects.toBeInstanceOf(
      ProviderNotFoundError,
    );
    testbed.fault({ path: '/events', method: 'POST', status: 400 });
    const write = {
      title: 'x',
      description: null,
      location: null,
      onlineUrl: null,
      recurrence: null,
      attendees: [],
      tandemMeetingId: null,
      notifyAttendees: false,
      time: {
        kind: 'timed' as const,
        start: new Date('2031-06-02T10:00:00Z'),
        end: new Date('2031-06-02T11:00:00Z'),
        timeZone: 'UTC',
      },
    };
    await expect(account.provider.createEvent(account.calendarId, write)).rejects.toBeInstanceOf(
      ProviderBadRequestError,
    );
  });

  it('410 on delta (injected or expired tokens) → CursorExpiredError', async () => {
    let cursor: string | null = null;
    for await (const page of account.provider.readChanges(account.calendarId, null, range))
      cursor = page.nextCursor ?? cursor;
    testbed.fault({ path: 'delta', status: 410 });
    const drain = async () => {
      for await (const page of account.provider.readChanges(account.calendarId, cursor, range)) void page;
    };
    await expect(drain()).rejects.toBeInstanceOf(CursorExpiredError);
    testbed.emulator.store.deltaTokens.expireAll();
    await expect(drain()).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it('a revoked grant → ProviderAuthRevokedError on the next call and on refresh', async () => {
    const victim = await testbed.connect('learner6@northbridge.test');
    testbed.emulator.store.revokeAccount(
      testbed.emulator.store.accountByIdOrEmail('learner6@northbridge.test')?.id ?? '',
    );
    await expect(victim.provider.listCalendars()).rejects.toBeInstanceOf(ProviderAuthRevokedError);
    // With the access token near expiry the adapter refreshes first: invalid_grant.
    const expiring = await testbed
      .connect('learner6@northbridge.test', {
        tokens: { ...victim.tokens, expiresAt: new Date(Date.now() + 1000) },
      })
      .catch((e: unknown) => e);
    expect(expiring).toBeInstanceOf(ProviderAuthRevokedError);
  });
});

describe('answers Graph should not give', () => {
  /** A session whose every GET answers `page`: the emulator only ever sends well-formed pages. */
  function sessionAnswering(page: unknown): GraphSession {
    const session = {
      mailbox: '/me',
      selfEmail: () => Promise.resolve('learner5@northbridge.test'),
      calendarPath: (calendarId: string) => `/me/calendars/${calendarId}`,
      call: <T>(_operation: string, run: () => Promise<T>) => run(),
      api: () => ({ get: () => Promise.resolve(page) }),
    };
    return session as unknown as GraphSession;
  }
  const firstPage = (page: unknown) =>
    readDeltaPages(sessionAnswering(page), 'cal-1', null, range, 50).next();

  it('a delta page with neither nextLink nor deltaLink, or without value → ProviderProtocolError', async () => {
    await expect(firstPage({ value: [] })).rejects.toBeInstanceOf(ProviderProtocolError);
    await expect(
      firstPage({ '@odata.deltaLink': 'https://graph.test/delta?token=1' }),
    ).rejects.toBeInstanceOf(ProviderProtocolError);
  });

  it('a collection answer without value → ProviderProtocolError', async () => {
    const provider = new MicrosoftCalendarProvider(sessionAnswering({ '@odata.context': 'calendars' }), {
      accountKind: 'work',
      pageSize: 50,
    });
    await expect(provider.listCalendars()).rejects.toBeInstanceOf(ProviderProtocolError);
  });

  it('an event without start or end → ProviderProtocolError', () => {
    expect(() => toProviderEvent({ id: 'e1', subject: 'Review' } as GraphEvent, null)).toThrow(
      ProviderProtocolError,
    );
  });

  it('a rule Graph cannot express is refused as our bad request', () => {
    expect(() => toGraphRecurrence(['RRULE:FREQ=HOURLY'], '2031-01-01', 'UTC')).toThrow(
      ProviderBadRequestError,
    );
  });
});
