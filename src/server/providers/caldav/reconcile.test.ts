import { describe, expect, it } from 'vitest';
import type { EventChange, ProviderEvent } from '../types';
import type { StoredObject } from './calendar-objects';
import { reconcileCollection } from './reconcile';

/** The etag reconcile over a stand-in collection: what it refetches, and what it removes. */

const window = { start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-02-01T00:00:00Z') };

function collectionOf(objects: Record<string, { etag: string; overrides?: string[] }>) {
  const fetched: string[][] = [];
  return {
    fetched,
    async listInWindow() {
      return new Map(Object.entries(objects).map(([name, object]) => [name, object.etag]));
    },
    async fetchObjects(names: string[]): Promise<StoredObject[]> {
      fetched.push(names);
      return names
        .filter((name) => objects[name])
        .map((name) => ({
          name,
          etag: objects[name]!.etag,
          data: (objects[name]!.overrides ?? []).join(','),
        }));
    },
  };
}

/** An object's events: its master plus one override per key listed in its data. */
const eventsOf = (object: StoredObject): ProviderEvent[] =>
  [
    object.name,
    ...object.data
      .split(',')
      .filter(Boolean)
      .map((key) => `${object.name}#${key}`),
  ].map((externalId) => ({ externalId, etag: object.etag }) as ProviderEvent);

async function run(
  collection: ReturnType<typeof collectionOf>,
  known: Record<string, string>,
  pageSize = 10,
): Promise<string[]> {
  const changes: EventChange[] = [];
  for await (const page of reconcileCollection(
    collection,
    window,
    new Map(Object.entries(known)),
    pageSize,
    eventsOf,
  ))
    changes.push(...page);
  return changes
    .map((change) => (change.type === 'upsert' ? `+${change.event.externalId}` : `-${change.externalId}`))
    .sort();
}

describe('CalDAV etag reconcile', () => {
  it('refetches missing and changed objects only, and removes what is gone, overrides included', async () => {
    const collection = collectionOf({
      'same.ics': { etag: '"1"' },
      'changed.ics': { etag: '"2"' },
      'new.ics': { etag: '"1"' },
    });
    const known = {
      'same.ics': '"1"',
      'changed.ics': '"1"',
      'changed.ics#20300110T090000Z': '"1"',
      'gone.ics': '"1"',
      'gone.ics#20300111T090000Z': '"1"',
    };
    expect(await run(collection, known)).toEqual([
      '+changed.ics',
      '+new.ics',
      '-changed.ics#20300110T090000Z',
      '-gone.ics',
      '-gone.ics#20300111T090000Z',
    ]);
    expect(collection.fetched.flat().sort()).toEqual(['changed.ics', 'new.ics']);
  });

  it('changes nothing when the mirror equals the server, and pages refetches by pageSize', async () => {
    const collection = collectionOf({
      'a.ics': { etag: '"1"', overrides: ['20300105'] },
      'b.ics': { etag: '"1"' },
      'c.ics': { etag: '"1"' },
    });
    expect(
      await run(collection, { 'a.ics': '"1"', 'a.ics#20300105': '"1"', 'b.ics': '"1"', 'c.ics': '"1"' }),
    ).toEqual([]);
    expect(collection.fetched).toEqual([]);
    expect(await run(collection, {}, 2)).toEqual(['+a.ics', '+a.ics#20300105', '+b.ics', '+c.ics']);
    expect(collection.fetched.map((batch) => batch.length)).toEqual([2, 1]);
  });
});
