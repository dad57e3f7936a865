import { describe, expect, it } from 'vitest';
import { CursorExpiredError, ProviderAuthRevokedError } from '../errors';
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

  async state(): Promise<CollectionState> {
    return { syncToken: this.syncToken, ctag: this.ctag };
  }
  async listInWindow(): Promise<Map<string, string | null>> {
    return new Map([...this.objects]);
  }
  async fetchObjects(names: string[]): Promise<StoredObject[]> {
    return names.filter((name) => this.objects.has(name)).map((name) => ({ name, etag: this.objects.get(name) ?? null, data: '' }));
  }
  async changesSince(): Promise<SyncDelta> {
    if (this.refuseToken) throw new ProviderAuthRevokedError('REPORT: 403', 403);
    return { changed: new Map(), removed: new Set(), syncToken: 't2' };
  }
}

const window = { start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-02-01T00:00:00Z') };
const eventsOf = (object: StoredObject) => [{ externalId: object.name, etag: object.etag } as ProviderEvent];

async function drain(collection: CollectionSource, cursor: string | null, pageSize = 10): Promise<ChangesPage[]> {
  const pages: ChangesPage[] = [];
  for await (const page of readCollectionChanges(collection, cursor, window, pageSize, eventsOf)) pages.push(page);
  return pages;
}

const summary = (pages: ChangesPage[]) =>
  pages.flatMap((page) => page.changes.map((change) => (change.type === 'upsert' ? `+${change.event.externalId}` : `-${change.externalId}`)));

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
