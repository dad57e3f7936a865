'use client';

import { useQuery } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { Button } from '@/components/ui/button';
import type { ClashResult } from '@/server/scheduling/contract';
import { useTRPC } from '@/trpc/react';

const STATE_WORDS: Record<string, string> = {
  busy: 'busy',
  out_of_office: 'out of office',
  tentative: 'tentatively busy',
};

/** "Sam is busy then", "You are out of office then"; one sentence per person. */
export function clashSentences(clashes: ClashResult['clashes'], viewerId: string): string[] {
  return clashes.map((clash) =>
    clash.userId === viewerId
      ? `You are ${STATE_WORDS[clash.state] ?? 'busy'} then.`
      : `${clash.name} is ${STATE_WORDS[clash.state] ?? 'busy'} then.`,
  );
}

/**
 * The meeting form's clash check (DESIGN.md §9): whether anyone invited (or the organiser) is busy
 * at the chosen time, from the same availability as the Scheduling Assistant, and a button that
 * moves the meeting to the next time everyone is free. A status, not an alert: it informs, the
 * person may still send.
 */
export function ClashWarning({
  viewerId,
  zone,
  startsAt,
  endsAt,
  userIds,
  ignoreMeetingId,
  onUseTime,
}: {
  viewerId: string;
  zone: string;
  startsAt: Date | null;
  endsAt: Date | null;
  userIds: string[];
  ignoreMeetingId?: string;
  onUseTime: (start: Date) => void;
}) {
  const trpc = useTRPC();
  const ready = startsAt !== null && endsAt !== null && endsAt > startsAt && userIds.length > 0;
  const clashes = useQuery({
    ...trpc.scheduling.clashes.queryOptions({
      userIds: userIds.length > 0 ? userIds : [viewerId],
      start: (startsAt ?? new Date(0)).toISOString(),
      end: (endsAt ?? new Date(1)).toISOString(),
      ...(ignoreMeetingId ? { ignoreMeetingId } : {}),
    }),
    enabled: ready,
  });
  const result = clashes.data;
  if (!ready || !result || result.clashes.length === 0) return <div role="status" aria-live="polite" />;
  const next = result.nextFreeStart ? new Date(result.nextFreeStart) : null;
  return (
    <div
      role="status"
      aria-live="polite"
      className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <p>{clashSentences(result.clashes, viewerId).join(' ')}</p>
      {next ? (
        <Button variant="secondary" className="mt-2" onClick={() => onUseTime(next)}>
          Use the next free time:{' '}
          {DateTime.fromJSDate(next, { zone }).setLocale('en-GB').toFormat('cccc d LLLL, HH:mm')}
        </Button>
      ) : (
        <p className="mt-1">No time when everyone is free in the next two weeks.</p>
      )}
    </div>
  );
}
