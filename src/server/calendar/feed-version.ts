import { createHash } from 'node:crypto';
import superjson from 'superjson';
import type { Executor } from '@/server/db/client';
import type { Actor } from '@/server/tenants/actor';
import type { DateRange } from '@/server/time/range';
import { readCalendarFeed, type CalendarFeed } from './feed';
import { toGridFeed, type CalendarGridFeed } from './grid-feed';

/**
 * A fingerprint of what a feed shows: equal feeds, equal versions. The browser sends the version
 * it holds and gets "unchanged" back instead of the same feed again, so an unchanged refresh costs
 * it no parsing and no redraw (issue 16). Items are hashed in sorted order: rows that tie on their
 * start time may come back from the database in either order without counting as a change.
 */
export function feedVersion(feed: CalendarFeed): string {
  const hash = createHash('sha256');
  for (const list of [feed.tasks, feed.meetings, feed.externalEvents, feed.calendars] as unknown[][]) {
    const items = list.map((item) => superjson.stringify(item)).sort();
    hash.update(`${items.length}\n${items.join('\n')}\n`);
  }
  return hash.digest('base64url').slice(0, 22);
}

/**
 * What the page is sent: the grid's lean feed, versioned by the whole feed — an answer the
 * grid does not draw (say, an invitee's) still moves the version, so an open dialog refreshes.
 */
export type VersionedCalendarFeed = CalendarGridFeed & { version: string };

/** What `calendar.feed` answers when the caller already holds the current version. */
export interface UnchangedCalendarFeed {
  unchanged: true;
  version: string;
}

/** The feed with its version, or only "unchanged" when `knownVersion` is still current. */
export async function readFeedIfChanged(
  db: Executor,
  actor: Actor,
  range: DateRange,
  knownVersion?: string,
): Promise<VersionedCalendarFeed | UnchangedCalendarFeed> {
  const feed = await readCalendarFeed(db, actor, range);
  const version = feedVersion(feed);
  return version === knownVersion ? { unchanged: true, version } : { ...toGridFeed(feed), version };
}
