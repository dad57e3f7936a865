'use client';

import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CONNECT_FAILURE_MESSAGES, isConnectFailure } from '@/server/connections/connect-failures';
import { PROVIDER_LABELS } from '@/server/providers/labels';

function providerLabel(value: string): string {
  return Object.hasOwn(PROVIDER_LABELS, value)
    ? PROVIDER_LABELS[value as keyof typeof PROVIDER_LABELS]
    : 'Your calendar';
}

/**
 * What came back from the provider's consent page (`?connected=<provider>` or `?error=<reason>`).
 * Said once: the query is taken out of the address at once (a reload or a bookmark does not say
 * it again), and the message stays until dismissed.
 */
export function ConnectResultAlert({
  connected,
  error,
}: {
  connected?: string | undefined;
  error?: string | undefined;
}) {
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    if (!connected && !error) return;
    const url = new URL(window.location.href);
    url.searchParams.delete('connected');
    url.searchParams.delete('error');
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }, [connected, error]);
  if (dismissed || (!connected && !error)) return null;
  const message = error
    ? isConnectFailure(error)
      ? CONNECT_FAILURE_MESSAGES[error]
      : CONNECT_FAILURE_MESSAGES.failed
    : `${providerLabel(connected ?? '')} is connected. Tandem is importing its events; they appear in your calendar in a moment.`;
  return (
    <Alert tone={error ? 'error' : 'success'}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>{message}</span>
        <Button variant="secondary" onClick={() => setDismissed(true)}>
          Dismiss
        </Button>
      </div>
    </Alert>
  );
}
