import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderUnavailableError,
} from '../errors';
import type { ChangesPage, EventChange, ProviderEvent, TimeWindow } from '../types';
import type { CalendarCollection, StoredObject, SyncDelta } from './calendar-objects';

/** What readChanges needs of a collection (a narrow view, so tests can stand in for a server). */
export type CollectionSource = Pick<
  CalendarCollection,
  'state' | 'listInWindow' | 'fetchObjects' | 'changesSince' | 'countMembers'
>;

/**
 * readChanges for one calendar collection. The cursor is either the server's sync-token
 * (`sync:<token>`, RFC 6578) or, for servers without sync-collection, the collection's ctag plus
 * the etag of every object we have seen (`etags:<base64url JSON>`): the diff of etags then tells
 * what changed. Pages hold up to `pageSize` objects (one calendar-multiget each).
 *
 * A full sync (no cursor) reads the window; an incremental one reports every change the server
 * reports, inside the window or not, as Google and Graph do.
 */

type Cursor =
  | { kind: 'sync'; token: string }
  | { kind: 'etags'; ctag: string | null; etags: Record<string, string | null> };

export function encodeCursor(cursor: Cursor): string {
  if (cursor.kind === 'sync') return `sync:${cursor.token}`;
  return `etags:${Buffer.from(JSON.stringify({ c: cursor.ctag, e: cursor.etags })).toString('base64url')}`;
}

export function decodeCursor(value: string): Cursor {
  if (value.startsWith('sync:') && value.length > 5) return { kind: 'sync', token: value.slice(5) };
  if (value.startsWith('etags:')) {
    try {
      const parsed = JSON.parse(Buffer.from(value.slice(6), 'base64url').toString('utf8')) as {
        c?: unknown;
        e?: unknown;
      };
      if (parsed && typeof parsed.e === 'object' && parsed.e !== null) {
        return {
          kind: 'etags',
          ctag: typeof parsed.c === 'string' ? parsed.c : null,
          etags: parsed.e as Record<string, string | null>,
        };
      }
    } catch {
      // fall through: an unreadable cursor is an expired one
    }
  }
  throw new CursorExpiredError('unreadable CalDAV cursor');
}

/** Turns one stored object into its events (master and overrides); unparseable objects are skipped. */
export type ObjectEvents = (object: StoredObject) => ProviderEvent[];

export async function* readCollectionChanges(
  collection: CollectionSource,
  cursor: string | null,
  window: TimeWindow,
  pageSize: number,
  eventsOf: ObjectEvents,
): AsyncGenerator<ChangesPage> {
  if (cursor === null) {
    // Read the token first: a change made while we list is then reported again next time, never lost.
    const state = await collection.state();
    const inWindow = await collection.listInWindow(window);
    const next: Cursor = state.syncToken
      ? { kind: 'sync', token: state.syncToken }
      : { kind: 'etags', ctag: state.ctag, etags: Object.fromEntries(inWindow) };
    yield* pages(collection, [...inWindow.keys()], [], encodeCursor(next), pageSize, eventsOf);
    return;
  }

  const previous = decodeCursor(cursor);
  if (previous.kind === 'sync') {
    const delta = await changesOrLostCursor(collection, previous.token);
    const next = encodeCursor({ kind: 'sync', token: delta.syncToken });
    yield* pages(collection, [...delta.changed.keys()], [...delta.removed], next, pageSize, eventsOf);
    return;
  }

  const state = await collection.state();
  if (previous.ctag !== null && state.ctag === previous.ctag) {
    yield { changes: [], nextCursor: cursor };
    return;
  }
  const current = await collection.listInWindow(window);
  const changed = [...current].filter(
    ([name, etag]) => !(name in previous.etags) || previous.etags[name] !== etag || etag === null,
  );
  const removed = Object.keys(previous.etags).filter((name) => !current.has(name));
  const next = encodeCursor({ kind: 'etags', ctag: state.ctag, etags: Object.fromEntries(current) });
  yield* pages(
    collection,
    changed.map(([name]) => name),
    removed,
    next,
    pageSize,
    eventsOf,
  );
}

/**
 * sync-collection since a stored token, recognising each way servers say the token is lost
 * (PROVIDERS.md, "servers seen"): 403/409 `valid-sync-token` (RFC 6578), a bare 403 (Radicale),
 * a 500 (Xandikos), and a 207 that is really a full listing under a fresh token (DAViCal).
 */
async function changesOrLostCursor(collection: CollectionSource, token: string): Promise<SyncDelta> {
  let delta: SyncDelta;
  try {
    delta = await collection.changesSince(token);
  } catch (error) {
    if (error instanceof CursorExpiredError) throw error;
    if (
      (error instanceof ProviderAuthRevokedError || error instanceof ProviderBadRequestError) &&
      error.status === 403
    ) {
      throw new CursorExpiredError('sync-token refused', 403, { cause: error });
    }
    if (
      error instanceof ProviderUnavailableError &&
      (error.status ?? 0) >= 500 &&
      (await currentTokenWorks(collection, token))
    ) {
      throw new CursorExpiredError(
        `sync-token answered ${error.status} while the current token works`,
        error.status,
        { cause: error },
      );
    }
    throw error;
  }
  if (await isFullListing(collection, delta)) {
    throw new CursorExpiredError(
      'sync-collection answered with the whole collection: the token was not recognised',
    );
  }
  return delta;
}

/**
 * After a 5xx on our token: is it the token or the server? Ask for the collection's current token
 * and sync from it (an empty answer, so cheap). If that works, the server is fine and did not know
 * our token; if it fails too, or our token is the current one, the server is in trouble: retry later.
 */
async function currentTokenWorks(collection: CollectionSource, token: string): Promise<boolean> {
  try {
    const { syncToken } = await collection.state();
    if (!syncToken || syncToken === token) return false;
    await collection.changesSince(syncToken);
    return true;
  } catch {
    return false;
  }
}

/**
 * A server that does not know a token may answer with every member and a fresh token, and no
 * error (DAViCal): removals are then never reported. The rule: an answer that reports no removal
 * and lists as many objects as the collection holds is a full listing. A real delta that touched
 * every object matches too; it then costs one needless full resync, which is still correct.
 * Answers of at most one object are let through unchecked (a single edit is the common poll, and
 * the members count would cost a listing); the daily etag reconcile covers what that leaves.
 */
async function isFullListing(collection: CollectionSource, delta: SyncDelta): Promise<boolean> {
  if (delta.removed.size > 0 || delta.changed.size <= 1) return false;
  return delta.changed.size >= (await collection.countMembers());
}

async function* pages(
  collection: CollectionSource,
  changedNames: string[],
  removedNames: string[],
  nextCursor: string,
  pageSize: number,
  eventsOf: ObjectEvents,
): AsyncGenerator<ChangesPage> {
  const size = Math.max(1, pageSize);
  const removals: EventChange[] = removedNames.map((externalId) => ({ type: 'removed', externalId }));
  if (changedNames.length === 0) {
    yield { changes: removals, nextCursor };
    return;
  }
  for (let index = 0; index < changedNames.length; index += size) {
    const batch = changedNames.slice(index, index + size);
    const objects = await collection.fetchObjects(batch);
    const fetched = new Set(objects.map((object) => object.name));
    // An object is read whole: its master names every override it still has (one removed, or
    // replaced by an EXDATE, leaves the object without it and the mirror must follow).
    const changes: EventChange[] = objects.flatMap((object) =>
      eventsOf(object).map((event) => ({
        type: 'upsert' as const,
        event,
        ...(event.recurrence ? { wholeSeries: true } : {}),
      })),
    );
    // Deleted between the listing and the multiget: report them as removed.
    for (const name of batch) if (!fetched.has(name)) changes.push({ type: 'removed', externalId: name });
    const last = index + size >= changedNames.length;
    yield { changes: last ? [...changes, ...removals] : changes, nextCursor: last ? nextCursor : null };
  }
}
