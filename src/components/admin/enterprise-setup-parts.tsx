'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';
import { useTRPC } from '@/trpc/react';

/** What the Microsoft 365, Google Workspace and Exchange set-ups share once saved: status, Test, removal. */

export type EnterpriseSetupProvider = 'microsoft' | 'google' | 'ews_impersonation';
export type EnterpriseSetupView = NonNullable<
  inferRouterOutputs<AppRouter>['enterprise']['overview']['microsoft']
>;

export const ENTERPRISE_PROVIDER_NAMES: Record<EnterpriseSetupProvider, string> = {
  microsoft: 'Microsoft 365',
  google: 'Google Workspace',
  ews_impersonation: 'Exchange Server',
};

export function EnterpriseStatus({ setup }: { setup: EnterpriseSetupView }) {
  return (
    <>
      <p className="text-sm" role="status">
        Status:{' '}
        {setup.status === 'working' ? 'working' : setup.status === 'error' ? 'not working' : 'not tested yet'}
        {setup.connections > 0 ? ` · ${setup.connections} calendars connected with it` : ''}
      </p>
      {setup.lastError ? <Alert tone="error">{setup.lastError}</Alert> : null}
    </>
  );
}

export function EnterpriseTestAndRemove({
  provider,
  onChanged,
}: {
  provider: EnterpriseSetupProvider;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const [address, setAddress] = useState('');
  const test = useMutation(trpc.enterprise.test.mutationOptions({ onSettled: onChanged }));
  const remove = useMutation(trpc.enterprise.remove.mutationOptions({ onSuccess: onChanged }));
  const name = ENTERPRISE_PROVIDER_NAMES[provider];
  return (
    <>
      <form
        className="flex flex-wrap items-end gap-2"
        aria-label={`Test the ${name} connection`}
        onSubmit={(event) => {
          event.preventDefault();
          test.mutate({ provider, address });
        }}
      >
        <div className="min-w-64 flex-1">
          <TextField
            label="Test as (email address)"
            type="email"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            required
          />
        </div>
        <Button type="submit" variant="secondary" disabled={test.isPending}>
          {test.isPending ? 'Testing…' : 'Test'}
        </Button>
      </form>
      {test.error ? <Alert tone="error">{test.error.message}</Alert> : null}
      {test.data ? (
        test.data.ok ? (
          <Alert tone="success">
            Works. Calendars of {address}: {test.data.calendars.join(', ') || 'none'}.
          </Alert>
        ) : (
          <Alert tone="error">{test.data.message}</Alert>
        )
      ) : null}
      <Button
        variant="danger"
        disabled={remove.isPending}
        onClick={() => {
          if (
            window.confirm(
              `Remove the ${name} connection and every calendar connected with it? Meetings stay.`,
            )
          )
            remove.mutate({ provider });
        }}
      >
        Remove {name} connection
      </Button>
      {remove.error ? <Alert tone="error">{remove.error.message}</Alert> : null}
    </>
  );
}
