'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { StatusMessage } from '@/components/ui/status-message';
import { calendarSwatchColor } from '@/components/calendar/calendar-colors';
import { useTRPC } from '@/trpc/react';
import type { ConnectedCalendar } from './types';

type CalendarChange = { show?: boolean; busy?: boolean; isWriteTarget?: boolean };

// Says what the choice does: meetings the person sends are written there (and, on plain CalDAV, the ones they are invited to).
export const WRITE_TARGET_LABEL = 'Write target (where Tandem puts your meetings)';

/** One calendar's choices; the write-target radios share one name across every connection (one per user). */
export function CalendarSettingsRow({ calendar }: { calendar: ConnectedCalendar }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState<string | null>(null);
  const update = useMutation(
    trpc.connections.updateCalendar.mutationOptions({
      onMutate: () => setSaved(null),
      onSuccess: () => setSaved(`Saved: ${calendar.name}.`),
      onSettled: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() });
      },
    }),
  );
  // While a change is saving, show what was asked for rather than the old value.
  const pending: CalendarChange = update.isPending ? update.variables : {};
  const show = pending.show ?? calendar.show;
  const busy = pending.busy ?? calendar.busy;
  const isWriteTarget = pending.isWriteTarget ?? calendar.isWriteTarget;
  const change = (next: CalendarChange) => update.mutate({ calendarId: calendar.id, ...next });

  return (
    <li>
      <fieldset className="rounded-md border border-slate-200 p-3">
        <legend className="flex items-center gap-2 px-1 text-sm font-medium">
          <span
            aria-hidden="true"
            className="inline-block h-3.5 w-3.5 rounded-sm border border-slate-400"
            style={{ backgroundColor: calendarSwatchColor(calendar.color) }}
          />
          {calendar.name}
        </legend>
        <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
          <label className="flex items-center gap-1.5">
            <input
              type="checkbox"
              className="h-4 w-4"
              checked={show}
              onChange={(event) => change({ show: event.target.checked })}
            />
            Show in my calendar
          </label>
          <label className="flex items-center gap-1.5">
            <input
              type="checkbox"
              className="h-4 w-4"
              checked={busy}
              onChange={(event) => change({ busy: event.target.checked })}
            />
            Counts as busy
          </label>
          <label className="flex items-center gap-1.5">
            <input
              type="radio"
              name="write-target"
              className="h-4 w-4"
              checked={isWriteTarget}
              disabled={!calendar.canWrite}
              onChange={(event) => event.target.checked && change({ isWriteTarget: true })}
            />
            {WRITE_TARGET_LABEL}
          </label>
        </div>
        {!calendar.canWrite ? (
          <p className="mt-1 text-xs text-slate-600">Read-only: it cannot be the write target.</p>
        ) : null}
        {calendar.syncState === 'error' && calendar.lastError ? (
          <p className="mt-1 text-sm text-red-700">Error: {calendar.lastError}</p>
        ) : null}
        <StatusMessage message={saved} className="mt-2" />
        {update.error ? (
          <div className="mt-2">
            <Alert tone="error">Could not save that change: {update.error.message}</Alert>
          </div>
        ) : null}
      </fieldset>
    </li>
  );
}
