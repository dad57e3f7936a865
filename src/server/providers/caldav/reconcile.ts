import type { EventChange } from '../types';
import type { CollectionSource, ObjectEvents } from './collection-sync';
import { parseEventId } from './ids';

/**
 * Reconciles a mirror with a calendar collection by an etag listing, for servers that never say
 * they lost a cursor (DAViCal's full listing, a sync-token that silently stops reporting). The
 * mirror holds, per calendar object, its master and overrides under ids `<name>` and
 * `<name>#<key>`, all with the object's etag: objects whose etag differs, or which the mirror
 * lacks, are refetched; objects no longer listed are removed with every id the mirror has for them.
 */
export async function* reconcileCollection(
  collection: Pick<CollectionSource, 'listInWindow' | 'fetchObjects'>,
  window: { start: Date; end: Date },
  known: Map<string, string | null>,
  pageSize: number,
  eventsOf: ObjectEvents,
): AsyncGenerator<EventChange[]> {
  const mirrored = new Map<string, { etag: string | null; ids: string[] }>();
  for (const [externalId, etag] of known) {
    const { objectName } = parseEventId(externalId);
    const entry = mirrored.get(objectName) ?? { etag, ids: [] };
    entry.ids.push(externalId);
    // Ids of one object disagreeing on the etag means one of them is stale.
    if (entry.etag !== etag) entry.etag = null;
    mirrored.set(objectName, entry);
  }
  const listed = await collection.listInWindow(window);
  const stale = [...listed]
    .filter(([name, etag]) => etag === null || mirrored.get(name)?.etag !== etag)
    .map(([name]) => name);
  const size = Math.max(1, pageSize);
  for (let index = 0; index < stale.length; index += size) {
    const batch = stale.slice(index, index + size);
    const objects = await collection.fetchObjects(batch);
    const changes: EventChange[] = [];
    const fetched = new Set<string>();
    for (const object of objects) {
      fetched.add(object.name);
      const events = eventsOf(object);
      const current = new Set(events.map((event) => event.externalId));
      changes.push(...events.map((event) => ({ type: 'upsert' as const, event })));
      // An override removed from the object (or an object that no longer parses) leaves ids behind.
      for (const id of mirrored.get(object.name)?.ids ?? [])
        if (!current.has(id)) changes.push({ type: 'removed', externalId: id });
    }
    for (const name of batch) {
      if (!fetched.has(name))
        changes.push(
          ...(mirrored.get(name)?.ids ?? []).map((externalId) => ({ type: 'removed' as const, externalId })),
        );
    }
    yield changes;
  }
  const gone = [...mirrored].filter(([name]) => !listed.has(name)).flatMap(([, entry]) => entry.ids);
  if (gone.length > 0) yield gone.map((externalId) => ({ type: 'removed' as const, externalId }));
}
