/**
 * Page tokens for list endpoints: the listing a token continues (see listing-snapshots.ts) and its
 * position there, the sort key of the last item served, and the change-log position when the
 * listing began, so the last page's nextSyncToken covers everything changed since page one.
 */
import { apiErrors } from './api-errors';

export interface PageState {
  /** Sort key of the last item already served ('' before the first page). */
  after: string;
  /** Store seq when the first page was served. */
  snapshotSeq: number;
  /** The frozen listing this token continues, and how many of its items were served. */
  listing?: string;
  offset?: number;
}

export function readPageToken(token: string | undefined, currentSeq: number): PageState {
  if (!token) return { after: '', snapshotSeq: currentSeq };
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null) {
      const { a, s, l, o } = value as { a?: unknown; s?: unknown; l?: unknown; o?: unknown };
      if (typeof a === 'string' && typeof s === 'number') {
        const continued = typeof l === 'string' && typeof o === 'number' && Number.isInteger(o) && o >= 0;
        return { after: a, snapshotSeq: s, ...(continued ? { listing: l, offset: o } : {}) };
      }
    }
  } catch {
    // fall through to the 400 below
  }
  throw apiErrors.badRequest('Invalid page token value.', 'pageToken');
}

export function writePageToken(state: PageState): string {
  const listing = state.listing !== undefined ? { l: state.listing, o: state.offset ?? 0 } : {};
  return Buffer.from(JSON.stringify({ a: state.after, s: state.snapshotSeq, ...listing })).toString(
    'base64url',
  );
}

/**
 * Items paired with their sort key and sorted by it in code-point order, the order page tokens
 * compare in. Keys are computed once: they convert times through a zone, too dear to redo in
 * every comparison of a large listing.
 */
export function sortedByKey<T>(items: T[], key: (item: T) => string): { item: T; key: string }[] {
  return items.map((item) => ({ item, key: key(item) })).sort(compareKeys);
}

export function compareKeys(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Zero-padded number so that string order is numeric order. */
export function pad(value: number): string {
  return String(Math.max(0, Math.round(value))).padStart(16, '0');
}
