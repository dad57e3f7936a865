'use client';

import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { SelectField, TextField } from '@/components/ui/field';
import { useTRPC } from '@/trpc/react';
import { ConnectFormActions } from './form-actions';
import { useAfterConnect } from './use-connected';

interface ExchangeConnectFormProps {
  onConnected: () => void;
  onCancel: () => void;
}

/** Exchange Server on premises (EWS): server address (or none: Autodiscover), mailbox, Windows user name and password. */
export function ExchangeConnectForm({ onConnected, onCancel }: ExchangeConnectFormProps) {
  const trpc = useTRPC();
  const afterConnect = useAfterConnect(onConnected);
  const connect = useMutation(trpc.connections.connectExchange.mutationOptions({ onSuccess: afterConnect }));
  const fieldErrors = connect.error?.data?.zodError?.fieldErrors ?? {};

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = String(form.get('username') ?? '').trim();
    connect.mutate({
      serverUrl: String(form.get('serverUrl') ?? '').trim(),
      email: String(form.get('email') ?? '').trim(),
      ...(username ? { username } : {}),
      password: String(form.get('password') ?? ''),
      auth: form.get('auth') === 'ntlm' ? 'ntlm' : 'basic',
    });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {connect.error ? <Alert tone="error">{connect.error.message}</Alert> : null}
      <TextField
        label="Server address"
        name="serverUrl"
        type="url"
        autoComplete="url"
        placeholder="https://mail.example.org"
        hint="Your Outlook on the web address, or the full EWS address ending in /EWS/Exchange.asmx. Leave empty to find it from the email address (Autodiscover)."
        error={fieldErrors.serverUrl?.[0]}
      />
      <TextField
        label="Email address"
        name="email"
        type="email"
        required
        autoComplete="email"
        error={fieldErrors.email?.[0]}
      />
      <TextField
        label="User name"
        name="username"
        autoComplete="username"
        hint="DOMAIN\user or user@domain. Leave empty to sign in with the email address."
        error={fieldErrors.username?.[0]}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        required
        autoComplete="off"
        error={fieldErrors.password?.[0]}
      />
      <SelectField
        label="Authentication"
        name="auth"
        defaultValue="ntlm"
        hint="Ask your IT department if unsure: Exchange Server usually offers NTLM (Windows)."
        error={fieldErrors.auth?.[0]}
      >
        <option value="ntlm">NTLM (Windows)</option>
        <option value="basic">Basic</option>
      </SelectField>
      <ConnectFormActions pending={connect.isPending} onCancel={onCancel} />
    </form>
  );
}
