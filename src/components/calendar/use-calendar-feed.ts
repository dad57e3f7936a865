'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { UnchangedCalendarFeed, VersionedCalendarFeed } from '@/server/calendar/feed-version';
import type { DateRange } from '@/server/time/range';
import { useTRPC, useTRPCClient } from '@/trpc/react';
import { useLatest } from './use-latest';

/**
 * The net under the push channel: if the change stream cannot be held open (a proxy, a sleeping
 * laptop), the page still asks now and then; an unchanged answer is a few bytes and redraws nothing.
 */
export const FEED_POLL_MS = 60_000;

const NO_RANGE: DateRange = { from: new Date(0), to: new Date(0) };

type FeedAnswer = VersionedCalendarFeed | UnchangedCalendarFeed;

const spanOf = (range: DateRange) => range.to.getTime() - range.from.getTime();

/**
 * While another week (or day, or month) loads, the one before stays drawn, so paging does not
 * flash an empty grid. Not across views: a week's items drawn in Month view, then redrawn with the
 * month's, doubled the cost of switching to Month (issue 16); the month is drawn once, when here.
 */
export function keepSameSpanData<T>(span: number) {
  return (previous: T | undefined, previousQuery: { queryKey: readonly unknown[] } | undefined) => {
    // The hydrated first query's key may hold its dates as ISO strings.
    const key = previousQuery?.queryKey[1] as
      { input?: { from?: Date | string; to?: Date | string } } | undefined;
    const held =
      key?.input?.from && key.input.to
        ? spanOf({ from: new Date(key.input.from), to: new Date(key.input.to) })
        : NaN;
    // Weeks differ by an hour across the clocks changing; months by days.
    return Math.abs(held - span) <= 3_600_000 ? previous : undefined;
  };
}

// Stable (module-level), so TanStack Query runs it only when the data changes.
function asFeed(answer: FeedAnswer): VersionedCalendarFeed {
  if ('unchanged' in answer) throw new Error('The calendar feed answered "unchanged" to no version.');
  return answer;
}

/**
 * The Calendar feed for a range (issue 16). A refetch sends the version held and gets "unchanged"
 * back when nothing changed; the held data is then kept as it is (same object), so nothing
 * downstream re-renders. Changes arrive over a server-sent event stream (/api/calendar/changes)
 * that names the version it compares with; a slow poll is the net.
 */
export function useCalendarFeed(range: DateRange | null) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const input = range ?? NO_RANGE;
  const options = trpc.calendar.feed.queryOptions(input);
  const feed = useQuery({
    ...options,
    queryFn: async ({ signal }): Promise<FeedAnswer> => {
      const held = queryClient.getQueryData(options.queryKey);
      const knownVersion = held && !('unchanged' in held) ? held.version : undefined;
      const answer = await client.calendar.feed.query({ ...input, knownVersion }, { signal });
      if (!('unchanged' in answer)) return answer;
      // Held data may have been dropped meanwhile: then ask again for the whole feed.
      return held ?? client.calendar.feed.query(input, { signal });
    },
    select: asFeed,
    enabled: range !== null,
    placeholderData: keepSameSpanData<FeedAnswer>(spanOf(input)),
    refetchInterval: FEED_POLL_MS,
  });
  // Placeholder data is another range's: its version says nothing about this one.
  useFeedChanges(range, feed.isPlaceholderData ? undefined : feed.data?.version, () => {
    void queryClient.invalidateQueries({ queryKey: options.queryKey, exact: true });
  });
  return feed;
}

/** Opens the change stream for the range and the version shown; `onChanged` when it says so. */
function useFeedChanges(range: DateRange | null, version: string | undefined, onChanged: () => void) {
  const from = range?.from.toISOString();
  const to = range?.to.toISOString();
  const changed = useLatest(onChanged);
  useEffect(() => {
    if (!from || !to || !version || typeof EventSource === 'undefined') return;
    const query = new URLSearchParams({ from, to, version });
    const source = new EventSource(`/api/calendar/changes?${query}`);
    source.addEventListener('changed', () => changed.current());
    return () => source.close();
  }, [from, to, version, changed]);
}
