'use client';

import { keepPreviousData, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { ItemForm } from '@/components/calendar/item-form';
import { WHOLE_DAY } from '@/components/calendar/visible-hours';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { StatusMessage } from '@/components/ui/status-message';
import type { SuggestedSlot } from '@/server/scheduling/contract';
import { useTRPC } from '@/trpc/react';
import { AvailabilityGrid, type GridSlot } from './availability-grid';
import { AvailabilityLegend } from './availability-legend';
import { PersonPicker, type ChosenPerson } from './person-picker';
import { slotSummary } from './slot-summary';
import { SuggestedTimes } from './suggested-times';
import { shownHours, useMinuteClock } from './use-grid-clock';

type ViewRange = { from: Date; to: Date; weekdaysOnly: boolean };

/** The Scheduling Assistant (/scheduling): people, their availability on one grid, suggested times, Send. */
export function SchedulingAssistant({ locale }: { locale: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: profile } = useSuspenseQuery(trpc.me.profile.queryOptions());
  const zone = profile.timeZone;
  const now = useMinuteClock();
  const [chosen, setChosen] = useState<ChosenPerson[]>([]);
  const [range, setRange] = useState<ViewRange | null>(null);
  const [durationMinutes, setDurationMinutes] = useState(60);
  const [slot, setSlot] = useState<GridSlot | null>(null);
  const [wholeDay, setWholeDay] = useState(false);
  const [sending, setSending] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  const asked = useMemo(() => {
    const required = chosen.filter((person) => person.required).map((person) => person.userId);
    return {
      // The viewer is always in the answer; with no one else required, ask about the viewer alone.
      userIds: required.length > 0 ? required : [profile.id],
      optionalUserIds: chosen.filter((person) => !person.required).map((person) => person.userId),
    };
  }, [chosen, profile.id]);
  const availability = useQuery({
    ...trpc.scheduling.availability.queryOptions({
      ...asked,
      from: (range?.from ?? new Date(0)).toISOString(),
      to: (range?.to ?? new Date(0)).toISOString(),
    }),
    enabled: range !== null,
    placeholderData: keepPreviousData,
  });
  const people = useMemo(() => availability.data?.people ?? [], [availability.data]);
  const hours = useMemo(
    () => (wholeDay ? WHOLE_DAY : shownHours(profile.workingHours)),
    [wholeDay, profile.workingHours],
  );
  const onRangeChange = useCallback((next: ViewRange) => setRange(next), []);
  const onSlotChange = useCallback((next: GridSlot) => {
    setSlot(next);
    setStatus(null);
  }, []);
  const pickSuggestion = useCallback(
    (suggestion: SuggestedSlot) =>
      onSlotChange({ start: new Date(suggestion.start), end: new Date(suggestion.end), picked: true }),
    [onSlotChange],
  );
  const changeDuration = (minutes: number) => {
    setDurationMinutes(minutes);
    if (slot) setSlot({ ...slot, end: new Date(slot.start.getTime() + minutes * 60_000) });
  };
  const announcement = slot
    ? `${slot.picked ? 'Picked ' : ''}${slotSummary(people, slot.start, slot.end, zone, locale)}`
    : 'No time picked yet.';

  async function sent(message: string) {
    setSending(false);
    setSlot(null);
    setStatus(message);
    await queryClient.invalidateQueries({ queryKey: trpc.scheduling.pathKey() });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Scheduling Assistant</h1>
        <div className="flex items-center gap-3">
          <p className="text-sm text-slate-700">Times in {zone.replaceAll('_', ' ')}</p>
          <Button variant="secondary" aria-pressed={wholeDay} onClick={() => setWholeDay(!wholeDay)}>
            Whole day
          </Button>
        </div>
      </div>
      <StatusMessage message={status} />
      <div className="grid gap-4 lg:grid-cols-2">
        <PersonPicker
          viewer={{ id: profile.id, name: profile.name ?? profile.email }}
          chosen={chosen}
          onChange={setChosen}
        />
        <SuggestedTimes
          zone={zone}
          people={asked}
          durationMinutes={durationMinutes}
          onDurationChange={changeDuration}
          picked={slot?.picked ? slot : null}
          onPick={pickSuggestion}
        />
      </div>
      {availability.error ? (
        <Alert tone="error">Could not load availability: {availability.error.message}</Alert>
      ) : null}
      <AvailabilityLegend />
      <p id="grid-keys" className="text-sm text-slate-700">
        On the grid: arrow keys move through the slots (Up and Down by a day), Enter picks one; or click or
        drag across the time you want.
      </p>
      <div aria-busy={availability.isFetching}>
        <AvailabilityGrid
          people={people}
          zone={zone}
          locale={locale}
          hours={hours}
          durationMinutes={durationMinutes}
          now={now}
          slot={slot}
          onSlotChange={onSlotChange}
          onRangeChange={onRangeChange}
          label="Availability grid: choose a time"
        />
      </div>
      <div className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white px-4 py-3">
        <p aria-live="polite" aria-atomic="true" className="grow text-sm">
          {announcement}
        </p>
        <Button disabled={!slot?.picked} onClick={() => setSending(true)}>
          Send
        </Button>
      </div>
      <Dialog
        open={sending && slot !== null}
        onOpenChange={(open) => !open && setSending(false)}
        title="New meeting"
      >
        {slot ? (
          <ItemForm
            zone={zone}
            organizerId={profile.id}
            canOrganize
            editing={{
              type: 'new',
              start: slot.start,
              end: slot.end,
              attendeeUserIds: chosen.map((person) => person.userId),
            }}
            onSaved={(message) => void sent(message)}
            onDone={() => setSending(false)}
            onReload={() => setSending(false)}
          />
        ) : null}
      </Dialog>
    </div>
  );
}
