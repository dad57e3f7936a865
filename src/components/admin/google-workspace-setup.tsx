'use client';

import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useTRPC } from '@/trpc/react';
import { EnterpriseStatus, EnterpriseTestAndRemove } from './enterprise-setup-parts';

/**
 * Google Workspace enterprise access: the service account key (JSON, never shown again), the
 * domain and the administrator the directory is read as; then the client id and the exact scopes
 * the Workspace admin authorises for domain-wide delegation, Test as an address, and removal.
 */
export function GoogleWorkspaceSetup() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const { data } = useSuspenseQuery(trpc.enterprise.overview.queryOptions());
  const setup = data.google;
  const [domain, setDomain] = useState(setup?.domain ?? '');
  const [directoryAdmin, setDirectoryAdmin] = useState(setup?.directoryAdmin ?? '');
  const [keyJson, setKeyJson] = useState('');
  const [keyName, setKeyName] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.enterprise.overview.queryKey() });
  const save = useMutation(
    trpc.enterprise.saveGoogle.mutationOptions({
      onSuccess: () => (setKeyJson(''), setKeyName(''), refresh()),
    }),
  );

  function onSave(event: FormEvent) {
    event.preventDefault();
    save.mutate({ domain, directoryAdmin, ...(keyJson ? { keyJson } : {}) });
  }

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={headingId} className="text-lg font-semibold">
        Google Workspace enterprise connection
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Create a service account in Google Cloud, download a JSON key for it and upload it here. A Workspace
        super administrator then authorises its client id for the scopes below (domain-wide delegation).
      </p>
      {save.error ? <Alert tone="error">{save.error.message}</Alert> : null}
      <form className="mt-4 space-y-3" onSubmit={onSave} aria-label="Google Workspace service account">
        <TextField
          label="Workspace domain"
          value={domain}
          onChange={(e) => setDomain(e.target.value)}
          placeholder="example.com"
          required
        />
        <TextField
          label="Administrator to read the directory as"
          type="email"
          value={directoryAdmin}
          onChange={(e) => setDirectoryAdmin(e.target.value)}
          hint="Google lists the people of a domain to administrators only."
          required
        />
        <div className="text-sm">
          <label className="block font-medium" htmlFor={`${headingId}-key`}>
            Service account key (JSON)
          </label>
          <input
            id={`${headingId}-key`}
            type="file"
            accept=".json,application/json"
            className="mt-1"
            aria-describedby={`${headingId}-key-hint`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              setKeyName(file?.name ?? '');
              void file?.text().then(setKeyJson);
            }}
          />
          <p id={`${headingId}-key-hint`} className="mt-1 text-slate-600">
            {setup
              ? 'Stored encrypted and never shown again. Choose no file to keep it; upload a new one to replace it.'
              : 'Stored encrypted and never shown again.'}
            {keyName ? ` Chosen: ${keyName}.` : ''}
          </p>
        </div>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </Button>
      </form>
      {setup ? (
        <div className="mt-5 space-y-3">
          <EnterpriseStatus setup={setup} />
          <div className="text-sm">
            <p>
              Service account: <code>{setup.serviceAccountEmail}</code>
            </p>
            <p className="mt-1">
              In the Google Admin console open Security → Access and data control → API controls → Manage
              domain-wide delegation → Add new, and enter:
            </p>
            <dl className="mt-1 pl-4">
              <dt className="font-medium">Client ID</dt>
              <dd>
                <code>{setup.clientId}</code>
              </dd>
              <dt className="font-medium">OAuth scopes (comma-delimited)</dt>
              <dd>
                <code className="break-all">{setup.permissions.join(',')}</code>
              </dd>
            </dl>
          </div>
          <EnterpriseTestAndRemove provider="google" onChanged={() => void refresh()} />
        </div>
      ) : null}
    </section>
  );
}
