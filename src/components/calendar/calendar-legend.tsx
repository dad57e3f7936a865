'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import type { CalendarLegendEntry } from '@/server/calendar/feed';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { useTRPC } from '@/trpc/react';
import { calendarSwatchColor } from './calendar-colors';

/** Connected calendars with their colours; a checkbox each to show or hide its events. */
export function CalendarLegend({ calendars }: { calendars: CalendarLegendEntry[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.connections.updateCalendar.mutationOptions({
      onSettled: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
      },
    }),
  );
  if (calendars.length === 0) return null;
  const pending = update.isPending ? update.variables : undefined;

  return (
    <fieldset className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <legend className="px-1 text-sm font-semibold">Connected calendars</legend>
      {update.error ? (
        <Alert tone="error">Could not change that calendar: {update.error.message}</Alert>
      ) : null}
      <ul className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        {calendars.map((calendar) => {
          const checked =
            pending?.calendarId === calendar.id && pending.show !== undefined ? pending.show : calendar.show;
          return (
            <li key={calendar.id}>
              <label
                className="flex items-center gap-2"
                title={`${PROVIDER_LABELS[calendar.provider]}: ${calendar.accountEmail}`}
              >
                <input
                  type="checkbox"
                  className="h-4 w-4"
                  checked={checked}
                  onChange={(event) => update.mutate({ calendarId: calendar.id, show: event.target.checked })}
                />
                <span
                  aria-hidden="true"
                  className="inline-block h-3.5 w-3.5 rounded-sm border border-slate-400"
                  style={{ backgroundColor: calendarSwatchColor(calendar.color) }}
                />
                {calendar.name}
              </label>
            </li>
          );
        })}
        <li>
          <Link href="/settings/calendars" className="text-brand-700 underline">
            Manage calendars
          </Link>
        </li>
      </ul>
    </fieldset>
  );
}
