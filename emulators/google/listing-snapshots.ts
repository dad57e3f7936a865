/**
 * Listings frozen at their first page. A paged events listing is one snapshot of the calendar,
 * taken when its first page is served: later pages are cut from it, whatever changed meanwhile
 * (an event edited, moved, deleted or created between two page requests is served as it was, or
 * not at all), and the last page's nextSyncToken stands for that snapshot, so the next incremental
 * sync brings exactly what changed after page one. Cutting a page from a frozen listing costs time
 * in proportion to the page, not to the calendar.
 *
 * A page token names its listing and the position in it, and also carries the sort key of the
 * last item served: a token whose listing is no longer held (evicted, or the store was reset)
 * resumes after that key in a fresh listing of the calendar as it is now.
 */
import { randomBytes } from 'node:crypto';
import { type PageState, writePageToken } from './paging';

export interface KeyedItem<T> {
  item: T;
  key: string;
}

interface FrozenListing {
  /** Which query over which calendar it answers; a token is honoured only by the same query. */
  scope: string;
  entries: KeyedItem<unknown>[];
}

/** Enough for several clients paging at once; the oldest listing goes first. */
const HELD_LISTINGS = 32;

export class ListingSnapshots {
  private readonly held = new Map<string, FrozenListing>();

  clear(): void {
    this.held.clear();
  }

  /**
   * One page of a listing: from the frozen listing the token names, or else from `list()` (the
   * listing as it is now, sorted by key), which is frozen when more pages follow.
   */
  page<T>(
    scope: string,
    state: PageState,
    maxResults: number,
    list: () => KeyedItem<T>[],
  ): { page: KeyedItem<T>[]; nextPageToken: string | undefined } {
    let listingId = state.listing;
    const frozen = listingId !== undefined ? this.find(listingId, scope) : undefined;
    let entries: KeyedItem<T>[];
    let start: number;
    if (frozen) {
      entries = frozen.entries as KeyedItem<T>[];
      start = Math.min(state.offset ?? 0, entries.length);
    } else {
      entries = list();
      listingId = undefined;
      start = state.after ? firstAfter(entries, state.after) : 0;
    }
    const page = entries.slice(start, start + maxResults);
    const end = start + page.length;
    const last = page.at(-1);
    if (end >= entries.length || last === undefined) return { page, nextPageToken: undefined };
    listingId ??= this.freeze(scope, entries);
    return {
      page,
      nextPageToken: writePageToken({
        after: last.key,
        snapshotSeq: state.snapshotSeq,
        listing: listingId,
        offset: end,
      }),
    };
  }

  private find(id: string, scope: string): FrozenListing | undefined {
    const listing = this.held.get(id);
    if (!listing || listing.scope !== scope) return undefined;
    // Most recently used last, so eviction takes the listing idle longest.
    this.held.delete(id);
    this.held.set(id, listing);
    return listing;
  }

  private freeze(scope: string, entries: KeyedItem<unknown>[]): string {
    const id = randomBytes(12).toString('base64url');
    this.held.set(id, { scope, entries });
    while (this.held.size > HELD_LISTINGS) {
      const oldest = this.held.keys().next().value;
      if (oldest === undefined) break;
      this.held.delete(oldest);
    }
    return id;
  }
}

/** Index of the first entry whose key sorts after `key` (entries sorted by key, code-point order). */
function firstAfter(entries: KeyedItem<unknown>[], key: string): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((entries[middle]?.key ?? '') <= key) low = middle + 1;
    else high = middle;
  }
  return low;
}
