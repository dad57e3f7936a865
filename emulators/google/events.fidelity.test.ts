/**
 * Fidelity: calendarList and event CRUD on the wire — field names, error bodies, If-Match / 412,
 * 409 on a used id, 410 on deleting twice, PATCH merge vs PUT replace, sequence, validation 400s,
 * list parameters and paging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiAs, events, startBed, timed } from './fidelity-helpers';
import type { GoogleTestbed } from './testbed';

const ME = 'organizer@northbridge.test';
let bed: GoogleTestbed;
let api: ApiClient;

beforeAll(async () => {
  bed = await startBed();
  api = apiAs(bed, ME);
});
afterAll(async () => bed.close());

describe('calendarList', () => {
  it('lists the primary calendar with Google’s fields', async () => {
    const response = await api.get('/calendar/v3/users/me/calendarList');
    expect(response.status).toBe(200);
    expect(response.body.kind).toBe('calendar#calendarList');
    expect(response.body.items).toHaveLength(1);
    expect(response.body.items[0]).toMatchObject({
      kind: 'calendar#calendarListEntry',
      id: ME,
      primary: true,
      accessRole: 'owner',
      timeZone: 'Europe/London',
    });
    expect(response.body.items[0].backgroundColor).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('hides other accounts’ calendars (404 notFound)', async () => {
    const response = await api.get(events('attendee@northbridge.test'));
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: {
        code: 404,
        message: 'Not Found',
        errors: [{ domain: 'global', reason: 'notFound', message: 'Not Found' }],
      },
    });
  });
});

describe('insert, get, update, patch, delete', () => {
  it('inserts with Google’s generated fields and an ETag header; get returns the same', async () => {
    const created = await api.post(events('primary'), {
      summary: 'Fidelity',
      ...timed('2030-01-07T10:00:00Z', '2030-01-07T11:00:00Z'),
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      kind: 'calendar#event',
      status: 'confirmed',
      summary: 'Fidelity',
      sequence: 0,
      organizer: { email: ME, self: true },
      creator: { email: ME, self: true },
      start: { dateTime: '2030-01-07T10:00:00Z', timeZone: 'Europe/London' },
      reminders: { useDefault: true },
    });
    expect(created.body.id).toMatch(/^[a-v0-9]{5,}$/);
    expect(created.body.iCalUID).toBe(`${created.body.id}@google.com`);
    expect(created.body.etag).toMatch(/^"\d+"$/);
    expect(created.headers.get('etag')).toBe(created.body.etag);
    expect(created.body).not.toHaveProperty('transparency'); // opaque is the default and omitted

    const fetched = await api.get(events('primary', `/${created.body.id}`));
    expect(fetched.body).toEqual(created.body);
    const notModified = await api.request('GET', events('primary', `/${created.body.id}`), {
      headers: { 'if-none-match': created.body.etag },
    });
    expect(notModified.status).toBe(304);
  });

  it('renders dateTime in the event’s own zone offset', async () => {
    const created = await api.post(events('primary'), {
      summary: 'NY',
      ...timed('2030-07-01T14:00:00Z', '2030-07-01T15:00:00Z', 'America/New_York'),
    });
    expect(created.body.start).toEqual({
      dateTime: '2030-07-01T10:00:00-04:00',
      timeZone: 'America/New_York',
    });
  });

  it('accepts a client id in base32hex only, and answers 409 duplicate for a used one', async () => {
    const bad = await api.post(events('primary'), {
      id: 'Not_Valid',
      summary: 'x',
      ...timed('2030-01-08T10:00:00Z', '2030-01-08T11:00:00Z'),
    });
    expect(bad.status).toBe(400);
    const ok = await api.post(events('primary'), {
      id: 'abcdef012345',
      summary: 'x',
      ...timed('2030-01-08T10:00:00Z', '2030-01-08T11:00:00Z'),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.id).toBe('abcdef012345');
    const again = await api.post(events('primary'), {
      id: 'abcdef012345',
      summary: 'y',
      ...timed('2030-01-08T10:00:00Z', '2030-01-08T11:00:00Z'),
    });
    expect(again.status).toBe(409);
    expect(again.body.error.errors[0]).toEqual({
      domain: 'global',
      reason: 'duplicate',
      message: 'The requested identifier already exists.',
    });
  });

  it('refuses malformed times as Google does', async () => {
    const noEnd = await api.post(events('primary'), {
      summary: 'x',
      start: { dateTime: '2030-01-08T10:00:00Z' },
    });
    expect(noEnd.status).toBe(400);
    expect(noEnd.body.error.message).toBe('Missing end time.');
    const backwards = await api.post(events('primary'), {
      summary: 'x',
      ...timed('2030-01-08T11:00:00Z', '2030-01-08T10:00:00Z'),
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.errors[0].reason).toBe('timeRangeEmpty');
    const noZone = await api.post(events('primary'), {
      summary: 'x',
      start: { dateTime: '2030-01-08T10:00:00' },
      end: { dateTime: '2030-01-08T11:00:00' },
    });
    expect(noZone.status).toBe(400);
    expect(noZone.body.error.message).toBe('Missing time zone definition for start time.');
    const seriesNoZone = await api.post(events('primary'), {
      summary: 'x',
      start: { dateTime: '2030-01-08T10:00:00Z' },
      end: { dateTime: '2030-01-08T11:00:00Z' },
      recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
    });
    expect(seriesNoZone.status).toBe(400);
    const badRule = await api.post(events('primary'), {
      summary: 'x',
      ...timed('2030-01-08T10:00:00Z', '2030-01-08T11:00:00Z'),
      recurrence: ['RRULE:FREQ=SOMETIMES'],
    });
    expect(badRule.status).toBe(400);
  });

  it('If-Match with a stale etag → 412 conditionNotMet; the current one succeeds', async () => {
    const created = await api.post(events('primary'), {
      summary: 'v1',
      ...timed('2030-01-09T10:00:00Z', '2030-01-09T11:00:00Z'),
    });
    const path = events('primary', `/${created.body.id}`);
    const v2 = await api.patch(path, { summary: 'v2' }, { 'if-match': created.body.etag });
    expect(v2.status).toBe(200);
    expect(v2.body.etag).not.toBe(created.body.etag);
    const stale = await api.patch(path, { summary: 'v3' }, { 'if-match': created.body.etag });
    expect(stale.status).toBe(412);
    expect(stale.body.error.errors[0]).toMatchObject({
      domain: 'global',
      reason: 'conditionNotMet',
      location: 'If-Match',
    });
    expect((await api.delete(path, { 'if-match': created.body.etag })).status).toBe(412);
    expect(
      (
        await api.put(
          path,
          { summary: 'v3', ...timed('2030-01-09T10:00:00Z', '2030-01-09T11:00:00Z') },
          { 'if-match': created.body.etag },
        )
      ).status,
    ).toBe(412);
  });

  it('PATCH merges (unsent fields kept, null clears, private properties merged); PUT replaces', async () => {
    const created = await api.post(events('primary'), {
      summary: 'merge',
      description: 'keep me',
      location: 'Room 1',
      extendedProperties: { private: { tandemMeetingId: 'm1', other: 'x' } },
      ...timed('2030-01-10T10:00:00Z', '2030-01-10T11:00:00Z'),
    });
    const path = events('primary', `/${created.body.id}`);
    const patched = await api.patch(path, {
      location: null,
      extendedProperties: { private: { other: null } },
    });
    expect(patched.body.description).toBe('keep me');
    expect(patched.body).not.toHaveProperty('location');
    expect(patched.body.extendedProperties).toEqual({ private: { tandemMeetingId: 'm1' } });
    const replaced = await api.put(path, {
      summary: 'replaced',
      ...timed('2030-01-10T10:00:00Z', '2030-01-10T11:00:00Z'),
    });
    expect(replaced.body.summary).toBe('replaced');
    expect(replaced.body).not.toHaveProperty('description');
    expect(replaced.body).not.toHaveProperty('extendedProperties');
  });

  it('bumps sequence when the time changes, and refuses a lower sequence', async () => {
    const created = await api.post(events('primary'), {
      summary: 'seq',
      ...timed('2030-01-11T10:00:00Z', '2030-01-11T11:00:00Z'),
    });
    const path = events('primary', `/${created.body.id}`);
    expect((await api.patch(path, { summary: 'renamed' })).body.sequence).toBe(0);
    const moved = await api.patch(path, timed('2030-01-11T12:00:00Z', '2030-01-11T13:00:00Z'));
    expect(moved.body.sequence).toBe(1);
    const lower = await api.patch(path, { sequence: 0 });
    expect(lower.status).toBe(400);
  });

  it('delete → 204; get still returns it as cancelled; deleting again → 410 deleted; unknown → 404', async () => {
    const created = await api.post(events('primary'), {
      summary: 'bye',
      ...timed('2030-01-12T10:00:00Z', '2030-01-12T11:00:00Z'),
    });
    const path = events('primary', `/${created.body.id}`);
    const deleted = await api.delete(path);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();
    const after = await api.get(path);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('cancelled');
    const twice = await api.delete(path);
    expect(twice.status).toBe(410);
    expect(twice.body.error.errors[0]).toMatchObject({ domain: 'global', reason: 'deleted' });
    expect((await api.get(events('primary', '/unknown00000'))).status).toBe(404);
  });
});

describe('events.list parameters', () => {
  it('refuses orderBy=startTime without singleEvents, timeMin without an offset, and an empty range', async () => {
    expect((await api.get(events('primary', '?orderBy=startTime'))).status).toBe(400);
    expect((await api.get(events('primary', '?timeMin=2030-01-01T00:00:00'))).status).toBe(400);
    const empty = await api.get(
      events('primary', '?timeMin=2030-01-02T00:00:00Z&timeMax=2030-01-01T00:00:00Z'),
    );
    expect(empty.status).toBe(400);
    expect(empty.body.error.errors[0]).toMatchObject({ domain: 'calendar', reason: 'timeRangeEmpty' });
    expect((await api.get(events('primary', '?singleEvents=yes'))).status).toBe(400);
    expect((await api.get(events('primary', '?maxResults=0'))).status).toBe(400);
  });

  it('pages with maxResults: nextPageToken on all pages but the last, nextSyncToken on the last only', async () => {
    for (let index = 0; index < 5; index += 1) {
      const start = Date.parse('2031-02-01T09:00:00Z') + index * 3_600_000;
      await api.post(events('primary'), {
        summary: `page ${index}`,
        ...timed(new Date(start).toISOString(), new Date(start + 1_800_000).toISOString()),
      });
    }
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    let syncToken: string | undefined;
    do {
      const query = `?timeMin=2031-02-01T00:00:00Z&timeMax=2031-02-02T00:00:00Z&singleEvents=true&orderBy=startTime&maxResults=2${pageToken ? `&pageToken=${pageToken}` : ''}`;
      const response = await api.get(events('primary', query));
      expect(response.body.kind).toBe('calendar#events');
      pages += 1;
      seen.push(...response.body.items.map((item: { summary: string }) => item.summary));
      pageToken = response.body.nextPageToken;
      if (pageToken) expect(response.body).not.toHaveProperty('nextSyncToken');
      else syncToken = response.body.nextSyncToken;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(['page 0', 'page 1', 'page 2', 'page 3', 'page 4']);
    expect(syncToken).toBeTruthy();
  });

  it('filters by privateExtendedProperty and iCalUID', async () => {
    const tagged = await api.post(events('primary'), {
      summary: 'tagged',
      extendedProperties: { private: { tandemMeetingId: 'find-me' } },
      ...timed('2031-03-01T09:00:00Z', '2031-03-01T10:00:00Z'),
    });
    const byTag = await api.get(events('primary', '?privateExtendedProperty=tandemMeetingId%3Dfind-me'));
    expect(byTag.body.items.map((item: { id: string }) => item.id)).toEqual([tagged.body.id]);
    const byUid = await api.get(events('primary', `?iCalUID=${encodeURIComponent(tagged.body.iCalUID)}`));
    expect(byUid.body.items).toHaveLength(1);
  });
});
