'use client';

import { useQuery } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import type { SuggestedSlot, SuggestionsInput } from '@/server/scheduling/contract';
import { useTRPC } from '@/trpc/react';

export const DURATIONS = [15, 30, 45, 60, 90, 120];
const DEFAULT_RANGE_DAYS = 7;

/**
 * Duration and date range → the server's ranked suggestions (scheduling.suggestions); choosing one
 * picks it on the grid. The range is whole days in the viewer's zone.
 */
export function SuggestedTimes({
  zone,
  people,
  durationMinutes,
  onDurationChange,
  picked,
  onPick,
}: {
  zone: string;
  people: { userIds: string[]; optionalUserIds: string[] };
  durationMinutes: number;
  onDurationChange: (minutes: number) => void;
  picked: { start: Date; end: Date } | null;
  onPick: (slot: SuggestedSlot) => void;
}) {
  const trpc = useTRPC();
  const today = DateTime.now().setZone(zone).startOf('day');
  const [fromDate, setFromDate] = useState(today.toISODate() ?? '');
  const [toDate, setToDate] = useState(today.plus({ days: DEFAULT_RANGE_DAYS - 1 }).toISODate() ?? '');
  const [asked, setAsked] = useState<SuggestionsInput | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const suggestions = useQuery({
    ...trpc.scheduling.suggestions.queryOptions(asked!),
    enabled: asked !== null,
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const from = DateTime.fromISO(fromDate, { zone }).startOf('day');
    const to = DateTime.fromISO(toDate, { zone }).startOf('day').plus({ days: 1 });
    if (!from.isValid || !to.isValid || to <= from)
      return setFormError('Choose a first day on or before the last.');
    setFormError(null);
    setAsked({
      ...people,
      from: from.toUTC().toISO() ?? '',
      to: to.toUTC().toISO() ?? '',
      durationMinutes,
      bufferMinutes: 10,
      limit: 10,
    });
  }

  const isPicked = (slot: SuggestedSlot) =>
    picked !== null &&
    picked.start.getTime() === Date.parse(slot.start) &&
    picked.end.getTime() === Date.parse(slot.end);

  return (
    <section
      aria-labelledby="suggested-heading"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id="suggested-heading" className="text-base font-semibold">
        Suggested times
      </h2>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-4 sm:items-end" noValidate>
        <SelectField
          label="Duration"
          value={durationMinutes}
          onChange={(event) => onDurationChange(Number(event.target.value))}
        >
          {DURATIONS.map((minutes) => (
            <option key={minutes} value={minutes}>
              {minutes < 60 ? `${minutes} minutes` : `${minutes / 60} hour${minutes === 60 ? '' : 's'}`}
            </option>
          ))}
        </SelectField>
        <TextField
          label="From"
          type="date"
          value={fromDate}
          onChange={(event) => setFromDate(event.target.value)}
        />
        <TextField
          label="To"
          type="date"
          value={toDate}
          onChange={(event) => setToDate(event.target.value)}
        />
        <Button type="submit">Find times</Button>
      </form>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {suggestions.error ? (
        <Alert tone="error">Could not suggest times: {suggestions.error.message}</Alert>
      ) : null}
      {suggestions.isFetching ? <p className="text-sm text-slate-700">Finding times…</p> : null}
      {suggestions.data ? (
        suggestions.data.length === 0 ? (
          <p className="text-sm text-slate-700">
            No time in that range suits everyone required. Try more days or a shorter meeting.
          </p>
        ) : (
          <ol aria-label="Suggested times" className="space-y-1.5">
            {suggestions.data.map((slot) => (
              <li key={slot.start}>
                <Button
                  variant={isPicked(slot) ? 'primary' : 'secondary'}
                  aria-pressed={isPicked(slot)}
                  className="w-full justify-start text-left"
                  onClick={() => onPick(slot)}
                >
                  {slot.summary}
                </Button>
              </li>
            ))}
          </ol>
        )
      ) : null}
    </section>
  );
}
