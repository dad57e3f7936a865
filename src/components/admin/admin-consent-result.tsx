'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useTRPC } from '@/trpc/react';
import type { AdminConsentAnswer } from './admin-consent-answer';

const ANSWER_PARAMS = [
  'admin_consent',
  'tenant',
  'scope',
  'state',
  'error',
  'error_description',
  'error_uri',
];

/**
 * Says what came of the admin consent link: the server checks the answer's state (it must be a
 * link this admin opened from this page) and records it in the audit log. Said once: the query
 * leaves the address at once, so a reload or a bookmark neither says it again nor re-records it.
 */
export function AdminConsentResult({
  answer,
  onChanged,
}: {
  answer: AdminConsentAnswer;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dismissed, setDismissed] = useState(false);
  const sent = useRef(false);
  const acknowledge = useMutation(
    trpc.enterprise.acknowledgeConsent.mutationOptions({
      onSettled: async () => {
        onChanged();
        // The audit log's first load may still be in flight, begun before this answer was recorded:
        // invalidating alone would wait for that load, so it is cancelled and loaded again.
        const audit = { queryKey: trpc.auditLog.list.queryKey() };
        await queryClient.cancelQueries(audit);
        await queryClient.invalidateQueries(audit);
      },
    }),
  );
  const { mutate } = acknowledge;
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    mutate(answer);
    const url = new URL(window.location.href);
    for (const name of ANSWER_PARAMS) url.searchParams.delete(name);
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }, [answer, mutate]);

  if (dismissed) return null;
  const settled = Boolean(acknowledge.data || acknowledge.error);
  const message = acknowledge.error?.message ?? acknowledge.data?.message ?? 'Reading Microsoft’s answer…';
  const tone = !settled
    ? 'info'
    : acknowledge.error || acknowledge.data?.outcome !== 'granted'
      ? 'error'
      : 'success';
  return (
    // A refusal is a new element with role="alert", announced as it appears; a grant updates the status.
    <Alert key={tone === 'error' ? 'alert' : 'status'} tone={tone}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>{message}</span>
        {settled ? (
          <Button variant="secondary" onClick={() => setDismissed(true)}>
            Dismiss
          </Button>
        ) : null}
      </div>
    </Alert>
  );
}
