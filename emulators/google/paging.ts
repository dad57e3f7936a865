/**
 * Keyset paging for list endpoints: a page token remembers the sort key of the last item served
 * and the change-log position when the listing began, so deletions between pages never make an
 * item skip a page, and the last page's nextSyncToken covers everything changed since page one.
 */
import { apiErrors } from './api-errors';

export interface PageState {
  /** Sort key of the last item already served ('' before the first page). */
  after: string;
  /** Store seq when the first page was served. */
  snapshotSeq: number;
}

export function readPageToken(token: string | undefined, currentSeq: number): PageState {
  if (!token) return { after: '', snapshotSeq: currentSeq };
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null) {
      const { a, s } = value as { a?: unknown; s?: unknown };
      if (typeof a === 'string' && typeof s === 'number') return { after: a, snapshotSeq: s };
    }
  } catch {
    // fall through to the 400 below
  }
  throw apiErrors.badRequest('Invalid page token value.', 'pageToken');
}

export function writePageToken(state: PageState): string {
  return Buffer.from(JSON.stringify({ a: state.after, s: state.snapshotSeq })).toString('base64url');
}

/**
 * Items paired with their sort key and sorted by it in code-point order, the order `takePage`
 * compares in. Keys are computed once: they convert times through a zone, too dear to redo in
 * every comparison of a large listing.
 */
export function sortedByKey<T>(items: T[], key: (item: T) => string): { item: T; key: string }[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** One page of `items` (already sorted by `key`) after `state.after`. */
export function takePage<T>(
  items: T[],
  key: (item: T) => string,
  state: PageState,
  maxResults: number,
): { page: T[]; nextPageToken: string | undefined } {
  const rest = items.filter((item) => key(item) > state.after);
  const page = rest.slice(0, maxResults);
  const last = page.at(-1);
  const more = rest.length > page.length && last !== undefined;
  return {
    page,
    nextPageToken: more ? writePageToken({ after: key(last), snapshotSeq: state.snapshotSeq }) : undefined,
  };
}

/** Zero-padded number so that string order is numeric order. */
export function pad(value: number): string {
  return String(Math.max(0, Math.round(value))).padStart(16, '0');
}
