/**
 * Fidelity: incremental sync and recurrence on the wire — syncToken rules (refused parameters,
 * 410 fullSyncRequired), the minimal shapes of deleted events and cancelled instances, which
 * listings include cancelled instances, instance ids, moved instances and DST-stable expansion;
 * a paged listing is one snapshot taken at its first page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiAs, events, startBed, timed } from './fidelity-helpers';
import type { GoogleTestbed } from './testbed';

let bed: GoogleTestbed;
let api: ApiClient;

beforeAll(async () => {
  bed = await startBed();
  api = apiAs(bed, 'organizer@northbridge.test');
});
afterAll(async () => bed.close());

async function fullSyncToken(): Promise<string> {
  let pageToken: string | undefined;
  for (;;) {
    const response = await api.get(events('primary', pageToken ? `?pageToken=${pageToken}` : ''));
    pageToken = response.body.nextPageToken;
    if (!pageToken) return response.body.nextSyncToken as string;
  }
}

async function changesSince(token: string): Promise<{ items: Record<string, unknown>[]; next: string }> {
  const response = await api.get(events('primary', `?syncToken=${encodeURIComponent(token)}`));
  expect(response.status).toBe(200);
  return { items: response.body.items, next: response.body.nextSyncToken };
}

describe('syncToken', () => {
  it('returns only what changed, with deletions reduced to id + status', async () => {
    const token = await fullSyncToken();
    const created = await api.post(events('primary'), {
      summary: 'sync me',
      ...timed('2030-05-01T10:00:00Z', '2030-05-01T11:00:00Z'),
    });
    const first = await changesSince(token);
    expect(first.items.map((item) => item['id'])).toEqual([created.body.id]);
    expect((await changesSince(first.next)).items).toEqual([]);

    await api.delete(events('primary', `/${created.body.id}`));
    const deleted = await changesSince(first.next);
    expect(deleted.items).toHaveLength(1);
    expect(deleted.items[0]).toMatchObject({ id: created.body.id, status: 'cancelled' });
    expect(deleted.items[0]).not.toHaveProperty('summary');
    expect(deleted.items[0]).not.toHaveProperty('start');
  });

  it('refuses the parameters Google refuses with a syncToken (400), and showDeleted=false', async () => {
    const token = encodeURIComponent(await fullSyncToken());
    for (const extra of [
      'timeMin=2030-01-01T00:00:00Z',
      'timeMax=2030-01-01T00:00:00Z',
      'orderBy=updated',
      'q=x',
      'iCalUID=x',
      'updatedMin=2030-01-01T00:00:00Z',
      'privateExtendedProperty=a%3Db',
      'sharedExtendedProperty=a%3Db',
      'showDeleted=false',
    ]) {
      const response = await api.get(events('primary', `?syncToken=${token}&${extra}`));
      expect(response.status, extra).toBe(400);
    }
    expect(
      (await api.get(events('primary', `?syncToken=${token}&showDeleted=true&singleEvents=true`))).status,
    ).toBe(200);
  });

  it('answers 410 fullSyncRequired for an unknown token and for every token once expired', async () => {
    const garbage = await api.get(events('primary', '?syncToken=CPnotatoken'));
    expect(garbage.status).toBe(410);
    expect(garbage.body).toEqual({
      error: {
        code: 410,
        message: 'Sync token is no longer valid, a full sync is required.',
        errors: [
          {
            domain: 'calendar',
            reason: 'fullSyncRequired',
            message: 'Sync token is no longer valid, a full sync is required.',
            location: 'syncToken',
            locationType: 'parameter',
          },
        ],
      },
    });
    const token = await fullSyncToken();
    bed.emulator.control.expireSyncTokens();
    expect((await api.get(events('primary', `?syncToken=${encodeURIComponent(token)}`))).status).toBe(410);
    const fresh = await fullSyncToken();
    expect((await api.get(events('primary', `?syncToken=${encodeURIComponent(fresh)}`))).status).toBe(200);
  });

  it('pages an incremental sync with maxResults', async () => {
    const token = await fullSyncToken();
    for (let index = 0; index < 3; index += 1) {
      await api.post(events('primary'), {
        summary: `burst ${index}`,
        ...timed('2030-05-02T10:00:00Z', '2030-05-02T11:00:00Z'),
      });
    }
    const first = await api.get(events('primary', `?syncToken=${encodeURIComponent(token)}&maxResults=2`));
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextPageToken).toBeTruthy();
    expect(first.body).not.toHaveProperty('nextSyncToken');
    const second = await api.get(
      events(
        'primary',
        `?syncToken=${encodeURIComponent(token)}&maxResults=2&pageToken=${first.body.nextPageToken}`,
      ),
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextSyncToken).toBeTruthy();
  });
});

describe('a paged listing', () => {
  // Google's sync guide: entries that appear while paging "won't be missed" — they come with the
  // next sync token. The emulator serves every page of a listing from the calendar as it was at
  // the first page; the last page's nextSyncToken then brings whatever changed meanwhile.
  it('serves later pages as of its first page, and the next sync brings what changed meanwhile', async () => {
    const window = 'timeMin=2032-03-01T00:00:00Z&timeMax=2032-03-02T00:00:00Z';
    const make = (summary: string, hour: string) =>
      api.post(events('primary'), {
        summary,
        ...timed(`2032-03-01T${hour}:00:00Z`, `2032-03-01T${hour}:30:00Z`),
      });
    const [a, b, c] = [
      (await make('A', '10')).body,
      (await make('B', '11')).body,
      (await make('C', '12')).body,
    ];
    const first = await api.get(events('primary', `?${window}&maxResults=1`));
    expect(first.body.items.map((item: { summary: string }) => item.summary)).toEqual(['A']);

    // Between page one and page two: C edited and moved before A, B deleted, D created first of all.
    const editedC = await api.patch(events('primary', `/${c.id}`), {
      summary: 'C edited',
      ...timed('2032-03-01T09:00:00Z', '2032-03-01T09:30:00Z'),
    });
    expect(editedC.status).toBe(200);
    expect((await api.delete(events('primary', `/${b.id}`))).status).toBe(204);
    const d = (await make('D', '08')).body;

    const later: { id: string; summary: string; etag: string; status: string }[] = [];
    let pageToken: string | undefined = first.body.nextPageToken;
    let syncToken: string | undefined;
    while (pageToken) {
      const response = await api.get(events('primary', `?${window}&maxResults=1&pageToken=${pageToken}`));
      expect(response.status).toBe(200);
      later.push(...response.body.items);
      pageToken = response.body.nextPageToken;
      syncToken = response.body.nextSyncToken;
    }
    expect(later.map((item) => [item.id, item.summary, item.status, item.etag])).toEqual([
      [b.id, 'B', 'confirmed', b.etag],
      [c.id, 'C', 'confirmed', c.etag],
    ]);
    expect(first.body.items[0].id).toBe(a.id);

    const changes = await changesSince(syncToken ?? '');
    expect(changes.items.map((item) => [item['id'], item['status'], item['summary']])).toEqual([
      [c.id, 'confirmed', 'C edited'],
      [b.id, 'cancelled', undefined],
      [d.id, 'confirmed', 'D'],
    ]);
  });

  it('pages an incremental sync from the changes as they were at its first page', async () => {
    const token = await fullSyncToken();
    const made = [];
    for (const summary of ['one', 'two']) {
      made.push(
        (
          await api.post(events('primary'), {
            summary,
            ...timed('2032-04-01T10:00:00Z', '2032-04-01T11:00:00Z'),
          })
        ).body,
      );
    }
    const first = await api.get(events('primary', `?syncToken=${encodeURIComponent(token)}&maxResults=1`));
    expect(first.body.items.map((item: { summary: string }) => item.summary)).toEqual(['one']);
    await api.patch(events('primary', `/${made[1].id}`), { summary: 'two edited' });
    const second = await api.get(
      events(
        'primary',
        `?syncToken=${encodeURIComponent(token)}&maxResults=1&pageToken=${first.body.nextPageToken}`,
      ),
    );
    expect(second.body.items.map((item: { summary: string }) => item.summary)).toEqual(['two']);
    const after = await changesSince(second.body.nextSyncToken);
    expect(after.items.map((item) => item['summary'])).toEqual(['two edited']);
  });
});

describe('recurrence', () => {
  const series = () =>
    api.post(events('primary'), {
      summary: 'weekly',
      ...timed('2030-10-14T09:00:00+01:00', '2030-10-14T10:00:00+01:00', 'Europe/London'),
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
    });

  it('expands at the same local time across the end of summer time, with Google’s instance ids', async () => {
    const master = await series();
    const response = await api.get(events('primary', `/${master.body.id}/instances`));
    expect(response.status).toBe(200);
    expect(response.body.items.map((item: { id: string }) => item.id)).toEqual([
      `${master.body.id}_20301014T080000Z`,
      `${master.body.id}_20301021T080000Z`,
      `${master.body.id}_20301028T090000Z`,
      `${master.body.id}_20301104T090000Z`,
    ]);
    const third = response.body.items[2];
    expect(third).toMatchObject({
      recurringEventId: master.body.id,
      originalStartTime: { dateTime: '2030-10-28T09:00:00Z', timeZone: 'Europe/London' },
      start: { dateTime: '2030-10-28T09:00:00Z', timeZone: 'Europe/London' },
      iCalUID: master.body.iCalUID,
    });
    expect(third).not.toHaveProperty('recurrence');
  });

  it('moves and cancels instances; a cancelled instance is listed minimally where Google lists it', async () => {
    const master = await series();
    const id = master.body.id as string;
    const token = await fullSyncToken();
    const moved = await api.patch(
      events('primary', `/${id}_20301021T080000Z`),
      timed('2030-10-22T14:00:00Z', '2030-10-22T15:00:00Z'),
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id: `${id}_20301021T080000Z`, recurringEventId: id });
    expect((await api.delete(events('primary', `/${id}_20301028T090000Z`))).status).toBe(204);

    const window = 'timeMin=2030-10-13T00:00:00Z&timeMax=2030-11-10T00:00:00Z';
    const expanded = await api.get(events('primary', `?${window}&singleEvents=true&orderBy=startTime`));
    const mine = expanded.body.items.filter(
      (item: { recurringEventId?: string }) => item.recurringEventId === id,
    );
    expect(mine.map((item: { start: { dateTime: string } }) => item.start.dateTime)).toEqual([
      '2030-10-14T09:00:00+01:00',
      '2030-10-22T15:00:00+01:00',
      '2030-11-04T09:00:00Z',
    ]);

    // Not expanded, without showDeleted: master + moved exception + cancelled exception (documented).
    const masters = await api.get(events('primary', `?${window}`));
    const related = masters.body.items.filter(
      (item: { id: string; recurringEventId?: string }) => item.id === id || item.recurringEventId === id,
    );
    expect(related).toHaveLength(3);
    const cancelled = related.find((item: { status: string }) => item.status === 'cancelled');
    expect(Object.keys(cancelled).sort()).toEqual([
      'etag',
      'id',
      'kind',
      'originalStartTime',
      'recurringEventId',
      'status',
    ]);

    // The same minimal shape in incremental sync.
    const changes = await changesSince(token);
    const cancelledChange = changes.items.find((item) => item['status'] === 'cancelled');
    expect(cancelledChange).toMatchObject({
      id: `${id}_20301028T090000Z`,
      recurringEventId: id,
      originalStartTime: { dateTime: '2030-10-28T09:00:00Z' },
    });
    expect(cancelledChange).not.toHaveProperty('summary');
  });

  it('honours EXDATE and all-day series', async () => {
    const master = await api.post(events('primary'), {
      summary: 'all-day weekly',
      start: { date: '2030-12-02' },
      end: { date: '2030-12-03' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;VALUE=DATE:20301209'],
    });
    expect(master.status).toBe(200);
    const instances = await api.get(events('primary', `/${master.body.id}/instances`));
    expect(
      instances.body.items.map((item: { id: string; start: { date: string } }) => [item.id, item.start.date]),
    ).toEqual([
      [`${master.body.id}_20301202`, '2030-12-02'],
      [`${master.body.id}_20301216`, '2030-12-16'],
    ]);
  });
});
