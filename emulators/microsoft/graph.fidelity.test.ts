import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MICROSOFT_SEED_PATH } from './seed';
import { startMicrosoftEmulator, type MicrosoftEmulator } from './server';
import { appToken, graphFetch, signIn } from './test-client';

/** Pins Graph's calendar behaviour: status codes, error bodies, headers, delta links (raw HTTP). */

let emulator: MicrosoftEmulator;
let token: string;
const g = (path: string, init: Parameters<typeof graphFetch>[3] = {}) =>
  graphFetch(emulator.url, token, path, init);
const event = (subject: string, start = '2031-01-06T10:00:00', end = '2031-01-06T11:00:00') => ({
  subject,
  start: { dateTime: start, timeZone: 'Europe/London' },
  end: { dateTime: end, timeZone: 'Europe/London' },
});

beforeAll(async () => {
  emulator = await startMicrosoftEmulator({ port: 0, seed: MICROSOFT_SEED_PATH });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  token = (await signIn(emulator.url, 'tutor2@northbridge.test')).access_token;
});

describe('authentication', () => {
  it('answers 401 InvalidAuthenticationToken with WWW-Authenticate without or with a bad token', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Bearer nonsense' }];
    for (const headers of variants) {
      const response = await fetch(`${emulator.url}/v1.0/me/calendars`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const body = (await response.json()) as {
        error: { code: string; message: string; innerError: Record<string, string> };
      };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
      expect(body.error.innerError['request-id']).toEqual(expect.any(String));
    }
  });

  it('refuses /me for app-only tokens and serves /users/{upn}', async () => {
    const app = (await appToken(emulator.url, 'northbridge.test')).access_token;
    const me = await graphFetch(emulator.url, app, '/me/calendars');
    expect(me.status).toBe(400);
    expect(((await me.json()) as { error: { message: string } }).error.message).toContain(
      'delegated authentication flow',
    );
    const user = await graphFetch(emulator.url, app, '/users/learner3@northbridge.test/calendars');
    expect(user.status).toBe(200);
    const other = await graphFetch(emulator.url, app, '/users/sam.personal@outlook.test/calendars');
    expect(other.status).toBe(404);
  });
});

describe('events', () => {
  it('creates with 201 and Graph field names, etag as W/"changeKey"', async () => {
    const response = await g('/me/events', { method: 'POST', json: event('Fidelity') });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body['@odata.etag']).toBe(`W/"${String(body.changeKey)}"`);
    expect(body).toMatchObject({
      subject: 'Fidelity',
      type: 'singleInstance',
      isOrganizer: true,
      isAllDay: false,
      originalStartTimeZone: 'Europe/London',
    });
    expect(body.start).toEqual({ dateTime: '2031-01-06T10:00:00.0000000', timeZone: 'UTC' });
    expect(body.iCalUId).toMatch(/^040000008200E00074C5B7101A82E008/);
  });

  it('refuses unknown properties (RequestBodyRead) and all-day events off midnight', async () => {
    const unknown = await g('/me/events', { method: 'POST', json: { ...event('x'), colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('RequestBodyRead');
    const allDay = await g('/me/events', {
      method: 'POST',
      json: { ...event('x', '2031-01-06T10:00:00', '2031-01-07T00:00:00'), isAllDay: true },
    });
    expect(allDay.status).toBe(400);
  });

  it('answers 404 ErrorItemNotFound for a missing id and 400 ErrorInvalidIdMalformed for a malformed one', async () => {
    const missing = await g('/me/events/AAMkAmissing');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('ErrorItemNotFound');
    const malformed = await g('/me/events/not-an-id');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe(
      'ErrorInvalidIdMalformed',
    );
  });

  it('PATCH with a stale If-Match answers 412 ErrorIrresolvableConflict', async () => {
    const created = (await (await g('/me/events', { method: 'POST', json: event('etag') })).json()) as Record<
      string,
      string
    >;
    const ok = await g(`/me/events/${created.id}`, {
      method: 'PATCH',
      json: { subject: 'v2' },
      headers: { 'If-Match': created['@odata.etag'] ?? '' },
    });
    expect(ok.status).toBe(200);
    const stale = await g(`/me/events/${created.id}`, {
      method: 'PATCH',
      json: { subject: 'v3' },
      headers: { 'If-Match': created['@odata.etag'] ?? '' },
    });
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe(
      'ErrorIrresolvableConflict',
    );
  });

  it('makes a create idempotent by transactionId', async () => {
    const body = { ...event('once'), transactionId: 'tx-1' };
    const first = (await (await g('/me/events', { method: 'POST', json: body })).json()) as { id: string };
    const second = (await (await g('/me/events', { method: 'POST', json: body })).json()) as { id: string };
    expect(second.id).toBe(first.id);
  });

  it('returns singleValueExtendedProperties only when expanded by id', async () => {
    const id = 'String {6d3a1f0e-2c4b-4e8a-9b1d-7f5e3c2a1b90} Name TandemMeetingId';
    const created = (await (
      await g('/me/events', {
        method: 'POST',
        json: { ...event('tagged'), singleValueExtendedProperties: [{ id, value: 'm-1' }] },
      })
    ).json()) as Record<string, unknown>;
    expect(created.singleValueExtendedProperties).toBeUndefined();
    const expanded = (await (
      await g(`/me/events/${String(created.id)}?$expand=singleValueExtendedProperties($filter=id eq '${id}')`)
    ).json()) as Record<string, unknown>;
    expect(expanded.singleValueExtendedProperties).toEqual([{ id, value: 'm-1' }]);
  });
});

describe('calendarView', () => {
  it('requires startDateTime and endDateTime', async () => {
    const response = await g('/me/calendarView');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ErrorInvalidParameter');
  });

  it('expands a weekly series and honours Prefer outlook.timezone across DST', async () => {
    await g('/me/events', {
      method: 'POST',
      json: {
        ...event('weekly', '2031-03-24T09:00:00', '2031-03-24T09:30:00'),
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
          range: { type: 'numbered', startDate: '2031-03-24', numberOfOccurrences: 3 },
        },
      },
    });
    const response = await g(
      '/me/calendarView?startDateTime=2031-03-20T00:00:00Z&endDateTime=2031-04-20T00:00:00Z',
      {
        headers: { Prefer: 'outlook.timezone="Europe/London"' },
      },
    );
    expect(response.headers.get('preference-applied')).toBe('outlook.timezone="Europe/London"');
    const { value } = (await response.json()) as {
      value: { type: string; start: { dateTime: string; timeZone: string }; seriesMasterId: string }[];
    };
    // 09:00 London each week, whether GMT (24 March) or BST (31 March, 7 April).
    expect(value.map((v) => [v.type, v.start.dateTime])).toEqual([
      ['occurrence', '2031-03-24T09:00:00.0000000'],
      ['occurrence', '2031-03-31T09:00:00.0000000'],
      ['occurrence', '2031-04-07T09:00:00.0000000'],
    ]);
    expect(value[0]?.start.timeZone).toBe('Europe/London');
    expect(new Set(value.map((v) => v.seriesMasterId)).size).toBe(1);
  });
});

describe('calendarView/delta', () => {
  const range = 'startDateTime=2031-02-01T00:00:00Z&endDateTime=2031-02-08T00:00:00Z';

  it('pages with absolute nextLink/deltaLink on its own host, reports changes and @removed', async () => {
    const ids: string[] = [];
    for (let day = 2; day <= 4; day += 1) {
      const created = (await (
        await g('/me/events', {
          method: 'POST',
          json: event(`d${day}`, `2031-02-0${day}T10:00:00`, `2031-02-0${day}T11:00:00`),
        })
      ).json()) as { id: string };
      ids.push(created.id);
    }
    const prefer = { Prefer: 'odata.maxpagesize=2' };
    const first = (await (await g(`/me/calendarView/delta?${range}`, { headers: prefer })).json()) as Record<
      string,
      unknown
    >;
    expect((first.value as unknown[]).length).toBe(2);
    const nextLink = String(first['@odata.nextLink']);
    expect(nextLink.startsWith(`${emulator.url}/v1.0/me/calendarView/delta?$skiptoken=`)).toBe(true);
    const second = (await (await g(nextLink, { headers: prefer })).json()) as Record<string, unknown>;
    const deltaLink = String(second['@odata.deltaLink']);
    expect(deltaLink.startsWith(`${emulator.url}/v1.0/me/calendarView/delta?$deltatoken=`)).toBe(true);

    await g(`/me/events/${ids[0]}`, { method: 'PATCH', json: { subject: 'changed' } });
    await g(`/me/events/${ids[1]}`, { method: 'DELETE' });
    const round = (await (await g(deltaLink)).json()) as { value: Record<string, unknown>[] };
    expect(round.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: ids[0], subject: 'changed' }),
        { '@odata.type': '#microsoft.graph.event', id: ids[1], '@removed': { reason: 'deleted' } },
      ]),
    );
    expect(round.value).toHaveLength(2);
  });

  // A calendarView holds "single instances or occurrences and exceptions of a recurring series"
  // (learn.microsoft.com/graph/delta-query-events), never a master: a series deleted whole comes
  // back as its instances' ids, each @removed, and nothing names the master.
  it('reports a deleted series as its instances @removed, never as its master', async () => {
    const series = (await (
      await g('/me/events', {
        method: 'POST',
        json: {
          ...event('weekly', '2031-02-03T10:00:00', '2031-02-03T11:00:00'),
          recurrence: {
            pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'] },
            range: { type: 'numbered', startDate: '2031-02-03', numberOfOccurrences: 2 },
          },
        },
      })
    ).json()) as { id: string };
    const first = (await (await g(`/me/calendarView/delta?${range}`)).json()) as {
      value: { id: string; type: string; seriesMasterId: string }[];
      '@odata.deltaLink': string;
    };
    expect(first.value.map((item) => [item.type, item.seriesMasterId])).toEqual([
      ['occurrence', series.id],
      ['occurrence', series.id],
    ]);
    expect((await g(`/me/events/${series.id}`, { method: 'DELETE' })).status).toBe(204);
    const round = (await (await g(first['@odata.deltaLink'])).json()) as { value: unknown[] };
    expect(round.value).toEqual(
      first.value.map((item) => ({
        '@odata.type': '#microsoft.graph.event',
        id: item.id,
        '@removed': { reason: 'deleted' },
      })),
    );
    expect((await g(`/me/events/${series.id}`)).status).toBe(404);
  });

  it('serves /me/calendars/{id}/calendarView/delta and refuses $select', async () => {
    const calendars = (await (await g('/me/calendars')).json()) as { value: { id: string }[] };
    const path = `/me/calendars/${calendars.value[0]?.id ?? ''}/calendarView/delta`;
    expect((await g(`${path}?${range}`)).status).toBe(200);
    expect((await g(`${path}?${range}&$select=subject`)).status).toBe(400);
  });

  it('answers 410 syncStateNotFound once delta tokens expire', async () => {
    const first = (await (await g(`/me/calendarView/delta?${range}`)).json()) as Record<string, string>;
    await fetch(`${emulator.url}/__control/expire-delta`, { method: 'POST' });
    const gone = await g(first['@odata.deltaLink'] ?? '');
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('syncStateNotFound');
    expect(gone.headers.get('location')).toContain('/calendarView/delta');
  });
});

describe('control API', () => {
  it('injects a 429 with Retry-After and counts requests by route', async () => {
    await fetch(`${emulator.url}/__control/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/me/calendars', status: 429, retryAfterSeconds: 3 }),
    });
    const throttled = await g('/me/calendars');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
    expect((await g('/me/calendars')).status).toBe(200);
    const counts = (await (await fetch(`${emulator.url}/__control/requests`)).json()) as {
      byRoute: Record<string, number>;
    };
    expect(counts.byRoute['GET /v1.0/me/calendars']).toBe(2);
  });
});
