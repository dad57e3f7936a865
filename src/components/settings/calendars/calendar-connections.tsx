'use client';

import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Dialog } from '@/components/ui/dialog';
import { useTRPC } from '@/trpc/react';
import { CalDavConnectForm } from './caldav-connect-form';
import { ExchangeConnectForm } from './exchange-connect-form';
import { ConnectCalendarSection } from './connect-calendar-section';
import { ConnectionCard } from './connection-card';
import { isSyncing } from './connection-status';
import type { ConnectionsOverview, FormProvider } from './types';

/** How often the list is re-read while an import or sync is under way. */
const SYNC_POLL_MS = 3_000;

const FORM_TITLES: Record<FormProvider, string> = {
  icloud: 'Connect Apple iCloud',
  caldav: 'Connect a CalDAV server',
  ews: 'Connect Exchange Server',
};

function stillSyncing(data: ConnectionsOverview | undefined): boolean {
  return Boolean(data?.connections.some(isSyncing));
}

export function CalendarConnections() {
  const trpc = useTRPC();
  const { data: profile } = useSuspenseQuery(trpc.me.profile.queryOptions());
  const list = useQuery({
    ...trpc.connections.list.queryOptions(),
    refetchInterval: (query) => (stillSyncing(query.state.data) ? SYNC_POLL_MS : false),
  });
  const [form, setForm] = useState<FormProvider | null>(null);
  const close = () => setForm(null);

  if (list.error)
    return <Alert tone="error">Could not load your calendar connections: {list.error.message}</Alert>;
  if (!list.data) return <p className="text-sm text-slate-700">Loading your connections…</p>;
  const { connections, allowedProviders } = list.data;

  return (
    <>
      <ConnectCalendarSection allowedProviders={allowedProviders} onOpenForm={setForm} />
      <section
        aria-labelledby="connections-heading"
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="connections-heading" className="text-lg font-semibold">
          Your connections
        </h2>
        {connections.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">You have not connected any calendars.</p>
        ) : (
          <ul className="mt-3 space-y-4">
            {connections.map((connection) => (
              <ConnectionCard
                key={connection.id}
                connection={connection}
                zone={profile.timeZone}
                onReconnectWithPassword={setForm}
              />
            ))}
          </ul>
        )}
      </section>
      <Dialog
        open={form !== null}
        onOpenChange={(open) => !open && close()}
        title={form ? FORM_TITLES[form] : ''}
      >
        {form === 'ews' ? (
          <ExchangeConnectForm onConnected={close} onCancel={close} />
        ) : form ? (
          <CalDavConnectForm kind={form} onConnected={close} onCancel={close} />
        ) : null}
      </Dialog>
    </>
  );
}
