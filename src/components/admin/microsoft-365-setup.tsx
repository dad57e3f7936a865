'use client';

import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { EnterpriseStatus, EnterpriseTestAndRemove } from './enterprise-setup-parts';
import { useTRPC } from '@/trpc/react';

/**
 * Microsoft 365 enterprise access: the app registration's ids and secret (never shown again),
 * the permissions to grant, the admin consent link, Test as an address, and removal.
 */
export function Microsoft365Setup() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const { data } = useSuspenseQuery(trpc.enterprise.overview.queryOptions());
  const setup = data.microsoft;
  const [directory, setDirectory] = useState(setup?.domain ?? '');
  const [clientId, setClientId] = useState(setup?.clientId ?? '');
  const [secret, setSecret] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.enterprise.overview.queryKey() });
  const save = useMutation(
    trpc.enterprise.saveMicrosoft.mutationOptions({ onSuccess: () => (setSecret(''), refresh()) }),
  );

  function onSave(event: FormEvent) {
    event.preventDefault();
    save.mutate({ directory, clientId, ...(secret ? { clientSecret: secret } : {}) });
  }

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={headingId} className="text-lg font-semibold">
        Microsoft 365 enterprise connection
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Register an app in Microsoft Entra ID, give it the application permissions below, and enter its ids
        and a client secret here. A Microsoft 365 administrator then grants consent for your organisation.
      </p>
      {save.error ? <Alert tone="error">{save.error.message}</Alert> : null}
      <form className="mt-4 space-y-3" onSubmit={onSave} aria-label="Microsoft 365 app registration">
        <TextField
          label="Directory (tenant) id or domain"
          value={directory}
          onChange={(e) => setDirectory(e.target.value)}
          required
        />
        <TextField
          label="Application (client) id"
          value={clientId}
          onChange={(e) => setClientId(e.target.value)}
          required
        />
        <TextField
          label="Client secret"
          type="password"
          autoComplete="off"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          hint={
            setup
              ? 'Stored encrypted and never shown again. Leave empty to keep it; enter a new one to replace it.'
              : undefined
          }
        />
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </Button>
      </form>
      {setup ? (
        <div className="mt-5 space-y-3">
          <EnterpriseStatus setup={setup} />
          <div className="text-sm">
            <p className="font-medium">Application permissions to grant (Microsoft Graph):</p>
            <ul className="list-disc pl-6">
              {setup.permissions.map((permission) => (
                <li key={permission}>
                  <code>{permission}</code>
                </li>
              ))}
            </ul>
            <p className="mt-1">
              Redirect URI to register on the app: <code>{data.consentRedirectUri}</code>
            </p>
          </div>
          {setup.consentUrl ? (
            <a href={setup.consentUrl} className="inline-block text-brand-700 underline">
              Grant admin consent in Microsoft 365
            </a>
          ) : null}
          <EnterpriseTestAndRemove provider="microsoft" onChanged={() => void refresh()} />
        </div>
      ) : null}
    </section>
  );
}
