'use client';

import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { TextField } from '@/components/ui/field';
import { useTRPC } from '@/trpc/react';
import { EnterpriseSetupSection, storedSecretHint, useEnterpriseOverview } from './enterprise-setup-section';

/**
 * Google Workspace enterprise access: the service account key (JSON, never shown again), the
 * domain and the administrator the directory is read as; then the client id and the exact scopes
 * the Workspace admin authorises for domain-wide delegation, Test as an address, and removal.
 */
export function GoogleWorkspaceSetup() {
  const trpc = useTRPC();
  const keyId = useId();
  const { overview, refresh } = useEnterpriseOverview();
  const setup = overview.google;
  const [domain, setDomain] = useState(setup?.domain ?? '');
  const [directoryAdmin, setDirectoryAdmin] = useState(setup?.directoryAdmin ?? '');
  const [keyJson, setKeyJson] = useState('');
  const [keyName, setKeyName] = useState('');
  const save = useMutation(
    trpc.enterprise.saveGoogle.mutationOptions({
      onSuccess: () => (setKeyJson(''), setKeyName(''), refresh()),
    }),
  );

  return (
    <EnterpriseSetupSection
      provider="google"
      intro="Create a service account in Google Cloud, download a JSON key for it and upload it here. A Workspace super administrator then authorises its client id for the scopes below (domain-wide delegation)."
      formLabel="Google Workspace service account"
      setup={setup}
      save={save}
      onSave={() => save.mutate({ domain, directoryAdmin, ...(keyJson ? { keyJson } : {}) })}
      onChanged={() => void refresh()}
      fields={
        <>
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
            <label className="block font-medium" htmlFor={keyId}>
              Service account key (JSON)
            </label>
            <input
              id={keyId}
              type="file"
              accept=".json,application/json"
              className="mt-1"
              aria-describedby={`${keyId}-hint`}
              onChange={(e) => {
                const file = e.target.files?.[0];
                setKeyName(file?.name ?? '');
                void file?.text().then(setKeyJson);
              }}
            />
            <p id={`${keyId}-hint`} className="mt-1 text-slate-600">
              {storedSecretHint(setup !== null, 'Choose no file to keep it; upload a new one to replace it.')}
              {keyName ? ` Chosen: ${keyName}.` : ''}
            </p>
          </div>
        </>
      }
      instructions={(saved) => (
        <div className="text-sm">
          <p>
            Service account: <code>{saved.serviceAccountEmail}</code>
          </p>
          <p className="mt-1">
            In the Google Admin console open Security → Access and data control → API controls → Manage
            domain-wide delegation → Add new, and enter:
          </p>
          <dl className="mt-1 pl-4">
            <dt className="font-medium">Client ID</dt>
            <dd>
              <code>{saved.clientId}</code>
            </dd>
            <dt className="font-medium">OAuth scopes (comma-delimited)</dt>
            <dd>
              <code className="break-all">{saved.permissions.join(',')}</code>
            </dd>
          </dl>
        </div>
      )}
    />
  );
}
