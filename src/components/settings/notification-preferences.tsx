'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { StatusMessage } from '@/components/ui/status-message';
import { useTRPC } from '@/trpc/react';

/**
 * Per kind of notification: shown in Tandem (the bell) and sent by email. Each box saves on its
 * own; it shows the server's answer, not the click, so a refused change does not look saved.
 */
export function NotificationPreferences() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const preferences = useQuery(trpc.notifications.preferences.queryOptions());
  const [status, setStatus] = useState<string | null>(null);
  const save = useMutation(
    trpc.notifications.setPreference.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.notifications.preferences.queryKey(), (rows) =>
          rows?.map((row) => (row.kind === saved.kind ? saved : row)),
        );
        setStatus('Your notification choices are saved.');
      },
    }),
  );

  return (
    <section
      id="notifications"
      aria-labelledby="notification-preferences-heading"
      className="mt-8 rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="notification-preferences-heading" className="text-lg font-semibold">
        Notifications
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Choose what Tandem tells you about, in Tandem (the bell at the top) and by email.
      </p>
      {save.error ? <Alert tone="error">{save.error.message}</Alert> : null}
      <StatusMessage message={status} />
      {preferences.error ? (
        <Alert tone="error">Could not load your choices: {preferences.error.message}</Alert>
      ) : null}
      {preferences.data ? (
        <table className="mt-4 w-full text-left text-sm">
          <caption className="sr-only">Notifications, in Tandem and by email</caption>
          <thead>
            <tr className="border-b border-slate-200">
              <th scope="col" className="py-2 pr-4 font-medium">
                When
              </th>
              <th scope="col" className="px-2 py-2 font-medium">
                In Tandem
              </th>
              <th scope="col" className="px-2 py-2 font-medium">
                By email
              </th>
            </tr>
          </thead>
          <tbody>
            {preferences.data.map((row) => (
              <tr key={row.kind} className="border-b border-slate-100">
                <th scope="row" className="py-2 pr-4 font-normal">
                  {row.label}
                </th>
                {(['inApp', 'email'] as const).map((side) => (
                  <td key={side} className="px-2 py-2">
                    <input
                      type="checkbox"
                      className="size-4"
                      aria-label={`${row.label}: ${side === 'inApp' ? 'in Tandem' : 'by email'}`}
                      checked={row[side]}
                      disabled={save.isPending}
                      onChange={(event) => {
                        setStatus(null);
                        save.mutate({ kind: row.kind, [side]: event.target.checked });
                      }}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
