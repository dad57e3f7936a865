import { describe, expect, it } from 'vitest';
import { CursorExpiredError, ProviderAuthRevokedError, ProviderUnavailableError } from '../errors';
import type { ChangesPage, ProviderEvent } from '../types';
import type { CollectionState, StoredObject, SyncDelta } from './calendar-objects';
import { readCollectionChanges, type CollectionSource } from './collection-sync';

/**
 * The paths Radicale does not exercise: servers without sync-collection (ctag + etags cursor),
 * and bare 403s on sync-collection. A fake collection stands in for the server.
 */

class FakeCollection implements CollectionSource {
  objects = new Map<string, string>();
  ctag = 'c1';
  syncToken: string | null = null;
  refuseToken = false;
  /** What sync-collection answers for a token (undefined: an empty delta under `t2`). */
  answer: (token: string) => SyncDelta | Error | undefined = () => undefined;
  asked: string[] = [];

  async state(): Promise<CollectionState> {
    return { syncToken: this.syncToken, ctag: this.ctag };
  }
  async listInWindow(): Promise<Map<string, string | null>> {
    return new Map([...this.objects]);
  }
  async fetchObjects(names: string[]): Promise<StoredObject[]> {
    return names
      .filter((name) => this.objects.has(name))
      .map((name) => ({ name, etag: this.objects.get(name) ?? null, data: '' }));
  }
  async changesSince(token: string): Promise<SyncDelta> {
    this.asked.push(token);
    if (this.refuseToken) throw new ProviderAuthRevokedError('REPORT: 403', 403);
    const answer = this.answer(token);
    if (answer instanceof Error) throw answer;
    return answer ?? { changed: new Map(), removed: new Set(), syncToken: 't2' };
  }
  async countMembers(): Promise<number> {
    return this.objects.size;
  }
}

const window = { start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-02-01T00:00:00Z') };
const eventsOf = (object: StoredObject) => [{ externalId: object.name, etag: object.etag } as ProviderEvent];

async function drain(
  collection: CollectionSource,
  cursor: string | null,
  pageSize = 10,
): Promise<ChangesPage[]> {
  const pages: ChangesPage[] = [];
  for await (const page of readCollectionChanges(collection, cursor, window, pageSize, eventsOf))
    pages.push(page);
  return pages;
}

const summary = (pages: ChangesPage[]) =>
  pages.flatMap((page) =>
    page.changes.map((change) =>
      change.type === 'upsert' ? `+${change.event.externalId}` : `-${change.externalId}`,
    ),
  );

describe('readChanges without sync-collection (ctag + etags)', () => {
  it('reports creates, updates and deletes from the etag diff, and nothing while the ctag stands', async () => {
    const collection = new FakeCollection();
    collection.objects.set('a.ics', '"1"').set('b.ics', '"1"');
    const full = await drain(collection, null);
    expect(summary(full)).toEqual(['+a.ics', '+b.ics']);
    const cursor = full.at(-1)!.nextCursor!;
    expect(cursor.startsWith('etags:')).toBe(true);

    expect(await drain(collection, cursor)).toEqual([{ changes: [], nextCursor: cursor }]);

    collection.ctag = 'c2';
    collection.objects.set('a.ics', '"2"').set('c.ics', '"1"');
    collection.objects.delete('b.ics');
    const next = await drain(collection, cursor);
    expect(summary(next).sort()).toEqual(['+a.ics', '+c.ics', '-b.ics']);

    const again = await drain(collection, next.at(-1)!.nextCursor);
    expect(summary(again)).toEqual([]);
  });

  it('pages by pageSize with the cursor on the last page only', async () => {
    const collection = new FakeCollection();
    for (let index = 0; index < 5; index += 1) collection.objects.set(`${index}.ics`, '"1"');
    const pages = await drain(collection, null, 2);
    expect(pages.map((page) => page.changes.length)).toEqual([2, 2, 1]);
    expect(pages.map((page) => page.nextCursor === null)).toEqual([true, true, false]);
  });
});

describe('readChanges with sync-collection', () => {
  it('uses the sync-token, and treats a bare 403 on it as an expired cursor', async () => {
    const collection = new FakeCollection();
    collection.syncToken = 't1';
    const full = await drain(collection, null);
    expect(full.at(-1)?.nextCursor).toBe('sync:t1');
    expect((await drain(collection, 'sync:t1')).at(-1)?.nextCursor).toBe('sync:t2');
    collection.refuseToken = true;
    await expect(drain(collection, 'sync:t1')).rejects.toBeInstanceOf(CursorExpiredError);
  });
});

describe('readChanges: the other ways a server says it lost the token', () => {
  const serverError = () => new ProviderUnavailableError('REPORT sync-collection: 500', 500);

  it('a 5xx on our token while the current token works (Xandikos) is an expired cursor', async () => {
    const collection = new FakeCollection();
    collection.syncToken = 'current';
    collection.answer = (token) => (token === 'lost' ? serverError() : undefined);
    await expect(drain(collection, 'sync:lost')).rejects.toBeInstanceOf(CursorExpiredError);
    expect(collection.asked).toEqual(['lost', 'current']);
  });

  it('a 5xx that the current token gets too, or on the current token itself, is the server failing: retry later', async () => {
    const failing = new FakeCollection();
    failing.syncToken = 'current';
    failing.answer = serverError;
    await expect(drain(failing, 'sync:stored')).rejects.toBeInstanceOf(ProviderUnavailableError);

    const sameToken = new FakeCollection();
    sameToken.syncToken = 'stored';
    sameToken.answer = serverError;
    await expect(drain(sameToken, 'sync:stored')).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(sameToken.asked).toEqual(['stored']);
  });

  it('a "delta" listing every object and no removal under a fresh token (DAViCal) is an expired cursor', async () => {
    const collection = new FakeCollection();
    collection.objects.set('a.ics', '"1"').set('b.ics', '"1"').set('c.ics', '"1"');
    collection.answer = () => ({
      changed: new Map(collection.objects),
      removed: new Set(),
      syncToken: 'fresh',
    });
    await expect(drain(collection, 'sync:unknown')).rejects.toBeInstanceOf(CursorExpiredError);
  });

  it('a real delta touching some objects, or removing any, goes through', async () => {
    const collection = new FakeCollection();
    collection.objects.set('a.ics', '"2"').set('b.ics', '"2"').set('c.ics', '"1"');
    collection.answer = () => ({
      changed: new Map([
        ['a.ics', '"2"'],
        ['b.ics', '"2"'],
      ]),
      removed: new Set(),
      syncToken: 't3',
    });
    expect(summary(await drain(collection, 'sync:t2')).sort()).toEqual(['+a.ics', '+b.ics']);
    collection.answer = () => ({
      changed: new Map(collection.objects),
      removed: new Set(['d.ics']),
      syncToken: 't4',
    });
    expect(summary(await drain(collection, 'sync:t3')).sort()).toEqual([
      '+a.ics',
      '+b.ics',
      '+c.ics',
      '-d.ics',
    ]);
  });
});
