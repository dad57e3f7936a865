'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { connectStartUrl } from '@/components/settings/calendars/provider-links';
import { Alert } from '@/components/ui/alert';
import { useTRPC } from '@/trpc/react';
import { PROVIDER_LABELS } from '@/server/providers/labels';

/**
 * Connections that stopped syncing, flagged where their (now stale) events are shown, each with
 * a way to reconnect; settings is not the only place a person would notice.
 */
export function BrokenConnectionsAlert({ enabled }: { enabled: boolean }) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.connections.list.queryOptions(), enabled });
  const broken = (list.data?.connections ?? []).filter(
    (c) => c.status === 'needs_reauth' || c.status === 'error',
  );
  if (broken.length === 0) return null;
  return (
    <Alert tone="error">
      <ul className="space-y-1">
        {broken.map((connection) => {
          const name = `${PROVIDER_LABELS[connection.provider]} (${connection.accountEmail})`;
          const problem = connection.status === 'needs_reauth' ? 'needs reconnecting' : 'could not be synced';
          // Google and Microsoft reconnect straight away; CalDAV needs its password typed again there.
          const reconnectUrl =
            connection.status === 'needs_reauth' &&
            (connection.provider === 'google' || connection.provider === 'microsoft')
              ? connectStartUrl(connection.provider, { reconnectId: connection.id })
              : null;
          return (
            <li key={connection.id}>
              {name} {problem}: its events here may be out of date.{' '}
              {reconnectUrl ? (
                <a className="font-medium underline" href={reconnectUrl}>
                  Reconnect {PROVIDER_LABELS[connection.provider]}
                </a>
              ) : (
                <Link className="font-medium underline" href="/settings/calendars">
                  Fix it in Calendars settings
                </Link>
              )}
            </li>
          );
        })}
      </ul>
    </Alert>
  );
}
