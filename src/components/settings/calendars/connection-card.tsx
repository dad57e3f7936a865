'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { useTRPC } from '@/trpc/react';
import { CalendarSettingsRow } from './calendar-settings-row';
import { ConnectionStatusLine } from './connection-status-line';
import { DisconnectDialog } from './disconnect-dialog';
import { LINK_BUTTON_CLASS, connectStartUrl } from './provider-links';
import type { Connection, FormProvider } from './types';

interface ConnectionCardProps {
  connection: Connection;
  zone: string;
  /** CalDAV and Exchange Server accounts reconnect by entering their password again. */
  onReconnectWithPassword: (kind: FormProvider) => void;
}

export function ConnectionCard({ connection, zone, onReconnectWithPassword }: ConnectionCardProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const syncNow = useMutation(
    trpc.connections.syncNow.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() }),
    }),
  );
  const headingId = `connection-${connection.id}`;
  const provider = connection.provider;
  const label = `${PROVIDER_LABELS[provider]}: ${connection.accountEmail}`;

  return (
    <li>
      <article aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h3 id={headingId} className="font-semibold">
              {PROVIDER_LABELS[provider]}
              <span className="block text-sm font-normal text-slate-700">
                {connection.displayName ?? connection.accountEmail}
              </span>
              {connection.displayName ? (
                <span className="block text-sm font-normal text-slate-700">{connection.accountEmail}</span>
              ) : null}
            </h3>
            {connection.connectedByOrganisation ? (
              <p className="text-sm text-slate-700">
                Connected by your organisation. You choose what is shown and busy; only an administrator can
                remove it.
              </p>
            ) : null}
            <ConnectionStatusLine connection={connection} zone={zone} />
          </div>
          <div className="flex flex-wrap gap-2">
            <Button
              variant="secondary"
              aria-label={`Sync now: ${label}`}
              disabled={syncNow.isPending || connection.status === 'needs_reauth'}
              onClick={() => syncNow.mutate({ connectionId: connection.id })}
            >
              {syncNow.isPending ? 'Syncing…' : 'Sync now'}
            </Button>
            {connection.connectedByOrganisation ? null : provider === 'google' || provider === 'microsoft' ? (
              <a
                href={connectStartUrl(provider, { reconnectId: connection.id })}
                aria-label={`Reconnect ${label}`}
                className={LINK_BUTTON_CLASS}
              >
                Reconnect
              </a>
            ) : (
              <Button
                variant="secondary"
                aria-label={`Reconnect ${label}`}
                onClick={() => onReconnectWithPassword(provider)}
              >
                Reconnect
              </Button>
            )}
            {connection.connectedByOrganisation ? null : (
              <Button variant="danger" aria-label={`Disconnect ${label}`} onClick={() => setConfirming(true)}>
                Disconnect
              </Button>
            )}
          </div>
        </div>
        {syncNow.error ? (
          <div className="mt-3">
            <Alert tone="error">Could not start a sync: {syncNow.error.message}</Alert>
          </div>
        ) : null}
        {connection.calendars.length > 0 ? (
          <ul className="mt-4 space-y-3" aria-label={`Calendars of ${connection.accountEmail}`}>
            {connection.calendars.map((calendar) => (
              <CalendarSettingsRow key={calendar.id} calendar={calendar} />
            ))}
          </ul>
        ) : (
          <p className="mt-3 text-sm text-slate-700">Looking for calendars in this account…</p>
        )}
        <DisconnectDialog connection={connection} open={confirming} onOpenChange={setConfirming} />
      </article>
    </li>
  );
}
