'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { VersionedCalendarFeed } from '@/server/calendar/feed-version';
import { gridMeetingKey, type CalendarGridFeed, type GridMeeting } from '@/server/calendar/grid-feed';
import { useTRPC } from '@/trpc/react';
import type { CalendarItemRef } from './event-inputs';

/**
 * The drawn meeting a ref names: by its key; a notification's link names the meeting and maybe a
 * time, so by id and start, else its first drawn occurrence.
 */
export function findGridMeeting(
  feed: CalendarGridFeed | undefined,
  ref: CalendarItemRef,
): GridMeeting | undefined {
  const meetings = feed?.meetings ?? [];
  return (
    meetings.find((meeting) => gridMeetingKey(meeting) === (ref.key ?? ref.id)) ??
    meetings.find((meeting) => meeting.id === ref.id && meeting.start === ref.at?.getTime()) ??
    meetings.find((meeting) => meeting.id === ref.id)
  );
}

/**
 * The item whose dialog is open, in full: the grid's feed carries only what it draws (issue 16),
 * so the dialog fetches the meeting (that occurrence of a recurring one) or the task when it
 * opens. When the feed's version moves (an answer, an edit elsewhere), the open item is read again.
 */
export function useOpenedItem(feed: VersionedCalendarFeed | undefined, selected: CalendarItemRef | null) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const gridMeeting = selected?.type === 'meeting' ? findGridMeeting(feed, selected) : undefined;
  const original = gridMeeting ? gridMeeting.original : selected?.originalStartsAt?.getTime();
  const meeting = useQuery({
    ...trpc.meetings.get.queryOptions({
      id: selected?.id ?? '',
      ...(original !== undefined ? { originalStartsAt: new Date(original) } : {}),
    }),
    enabled: selected?.type === 'meeting',
  });
  const task = useQuery({
    ...trpc.tasks.get.queryOptions({ id: selected?.id ?? '' }),
    enabled: selected?.type === 'task',
  });
  const version = feed?.version;
  const seenVersion = useRef(version);
  useEffect(() => {
    if (seenVersion.current === version) return;
    seenVersion.current = version;
    void queryClient.invalidateQueries({ queryKey: trpc.meetings.get.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.tasks.get.pathKey() });
  }, [version, queryClient, trpc]);
  const active = selected?.type === 'meeting' ? meeting : selected?.type === 'task' ? task : null;
  return {
    gridMeeting,
    gridTask: selected?.type === 'task' ? feed?.tasks.find((item) => item.id === selected.id) : undefined,
    meeting: selected?.type === 'meeting' ? meeting.data : undefined,
    task: selected?.type === 'task' ? task.data : undefined,
    loading: active?.isPending === true,
  };
}
