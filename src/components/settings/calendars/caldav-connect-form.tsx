'use client';

import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { TextField } from '@/components/ui/field';
import { useTRPC } from '@/trpc/react';
import { AppSpecificPasswordSteps } from './app-specific-password-steps';
import { ConnectFormActions } from './form-actions';
import { useAfterConnect } from './use-connected';

export type CalDavKind = 'icloud' | 'caldav';

interface CalDavConnectFormProps {
  kind: CalDavKind;
  onConnected: () => void;
  onCancel: () => void;
}

/** Apple iCloud (Apple ID + app-specific password) or any CalDAV server (URL, user name, password). */
export function CalDavConnectForm({ kind, onConnected, onCancel }: CalDavConnectFormProps) {
  const trpc = useTRPC();
  const afterConnect = useAfterConnect(onConnected);
  const connect = useMutation(trpc.connections.connectCalDav.mutationOptions({ onSuccess: afterConnect }));
  const fieldErrors = connect.error?.data?.zodError?.fieldErrors ?? {};

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const serverUrl = String(form.get('serverUrl') ?? '').trim();
    connect.mutate({
      kind,
      ...(kind === 'caldav' ? { serverUrl } : {}),
      username: String(form.get('username') ?? '').trim(),
      password: String(form.get('password') ?? ''),
    });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {connect.error ? <Alert tone="error">{connect.error.message}</Alert> : null}
      {kind === 'icloud' ? <AppSpecificPasswordSteps /> : null}
      {kind === 'caldav' ? (
        <TextField
          label="Server URL"
          name="serverUrl"
          type="url"
          required
          autoComplete="url"
          placeholder="https://calendar.example.org/dav/"
          hint="The address your calendar app uses for CalDAV."
          error={fieldErrors.serverUrl?.[0]}
        />
      ) : null}
      <TextField
        label={kind === 'icloud' ? 'Apple ID' : 'User name'}
        name="username"
        required
        autoComplete="username"
        type={kind === 'icloud' ? 'email' : 'text'}
        error={fieldErrors.username?.[0]}
      />
      <TextField
        label={kind === 'icloud' ? 'App-specific password' : 'Password'}
        name="password"
        type="password"
        required
        autoComplete="off"
        hint={kind === 'icloud' ? 'Not your Apple ID password: the one you created for Tandem.' : undefined}
        error={fieldErrors.password?.[0]}
      />
      <ConnectFormActions pending={connect.isPending} onCancel={onCancel} />
    </form>
  );
}
