'use client';

import { keepPreviousData, useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { WHOLE_DAY } from '@/components/calendar/visible-hours';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useTRPC } from '@/trpc/react';
import { AvailabilityGrid } from './availability-grid';
import { AvailabilityLegend } from './availability-legend';
import { shownHours, useMinuteClock } from './use-grid-clock';

/**
 * A learner's own availability exactly as their tutor's Scheduling Assistant shows it
 * (scheduling.myAvailability): never anyone else's.
 */
export function MyAvailability({ locale }: { locale: string }) {
  const trpc = useTRPC();
  const { data: profile } = useSuspenseQuery(trpc.me.profile.queryOptions());
  const zone = profile.timeZone;
  const now = useMinuteClock();
  const [range, setRange] = useState<{ from: Date; to: Date } | null>(null);
  const [wholeDay, setWholeDay] = useState(false);
  const mine = useQuery({
    ...trpc.scheduling.myAvailability.queryOptions({
      from: (range?.from ?? new Date(0)).toISOString(),
      to: (range?.to ?? new Date(0)).toISOString(),
    }),
    enabled: range !== null,
    placeholderData: keepPreviousData,
  });
  const people = useMemo(() => (mine.data ? [mine.data] : []), [mine.data]);
  const hours = useMemo(
    () => (wholeDay ? WHOLE_DAY : shownHours(profile.workingHours)),
    [wholeDay, profile.workingHours],
  );
  const onRangeChange = useCallback((next: { from: Date; to: Date }) => setRange(next), []);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">What my tutor sees</h1>
        <div className="flex items-center gap-3">
          <p className="text-sm text-slate-700">Times in {zone.replaceAll('_', ' ')}</p>
          <Button variant="secondary" aria-pressed={wholeDay} onClick={() => setWholeDay(!wholeDay)}>
            Whole day
          </Button>
        </div>
      </div>
      <p className="max-w-3xl text-slate-700">
        The Scheduling Assistant is for tutors and admins arranging meetings. This is your own time as it
        shows there: tutors see when you are busy, never what your events are. Choose which calendars count as
        busy in Account settings → Calendars.
      </p>
      {mine.error ? <Alert tone="error">Could not load your availability: {mine.error.message}</Alert> : null}
      <AvailabilityLegend />
      <AvailabilityGrid
        people={people}
        zone={zone}
        locale={locale}
        hours={hours}
        durationMinutes={60}
        now={now}
        slot={null}
        onSlotChange={null}
        onRangeChange={onRangeChange}
        label="Your availability as your tutor sees it"
      />
    </div>
  );
}
