'use client';

import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { MeetingView } from '@/server/meetings/queries';
import { useTRPC } from '@/trpc/react';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `/calendar?meeting=<id>` (the links in notifications and their emails): opens that meeting
 * once it is loaded, wherever in time it is; a new link (another bell item) opens again.
 * `&at=<instant>`: the occurrence of a recurring meeting starting then.
 */
export function useLinkedMeeting(open: (meeting: MeetingView, at: Date | null) => void): void {
  const trpc = useTRPC();
  const params = useSearchParams();
  const requested = params.get('meeting');
  const id = requested && UUID.test(requested) ? requested : null;
  const atParam = params.get('at');
  const atMs = atParam ? Date.parse(atParam) : Number.NaN;
  const linked = useQuery({ ...trpc.meetings.get.queryOptions({ id: id ?? '' }), enabled: id !== null });
  const openedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!id || !linked.data || linked.data.id !== id || openedFor.current === id) return;
    openedFor.current = id;
    open(linked.data, Number.isNaN(atMs) ? null : new Date(atMs));
    // `open` is a new function each render; `openedFor` keeps it to once per link.
  }, [id, linked.data, open, atMs]);
}
