'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { TextField } from '@/components/ui/field';
import { useTRPC } from '@/trpc/react';
import type { AdminConsentAnswer } from './admin-consent-answer';
import { AdminConsentResult } from './admin-consent-result';
import { EnterpriseSetupSection, storedSecretHint, useEnterpriseOverview } from './enterprise-setup-section';

/**
 * Microsoft 365 enterprise access: the app registration's ids and secret (never shown again),
 * the permissions to grant, the admin consent link and what came of it, Test as an address, and removal.
 */
export function Microsoft365Setup({ consentAnswer }: { consentAnswer: AdminConsentAnswer | null }) {
  const trpc = useTRPC();
  const { overview, refresh } = useEnterpriseOverview();
  const setup = overview.microsoft;
  const [directory, setDirectory] = useState(setup?.domain ?? '');
  const [clientId, setClientId] = useState(setup?.clientId ?? '');
  const [secret, setSecret] = useState('');
  const save = useMutation(
    trpc.enterprise.saveMicrosoft.mutationOptions({ onSuccess: () => (setSecret(''), refresh()) }),
  );

  return (
    <EnterpriseSetupSection
      provider="microsoft"
      intro="Register an app in Microsoft Entra ID, give it the application permissions below, and enter its ids and a client secret here. A Microsoft 365 administrator then grants consent for your organisation."
      formLabel="Microsoft 365 app registration"
      setup={setup}
      save={save}
      onSave={() => save.mutate({ directory, clientId, ...(secret ? { clientSecret: secret } : {}) })}
      onChanged={() => void refresh()}
      notice={
        consentAnswer ? <AdminConsentResult answer={consentAnswer} onChanged={() => void refresh()} /> : null
      }
      fields={
        <>
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
                ? storedSecretHint(true, 'Leave empty to keep it; enter a new one to replace it.')
                : undefined
            }
          />
        </>
      }
      instructions={(saved) => (
        <>
          <div className="text-sm">
            <p className="font-medium">Application permissions to grant (Microsoft Graph):</p>
            <ul className="list-disc pl-6">
              {saved.permissions.map((permission) => (
                <li key={permission}>
                  <code>{permission}</code>
                </li>
              ))}
            </ul>
            <p className="mt-1">
              Redirect URI to register on the app: <code>{overview.consentRedirectUri}</code>
            </p>
          </div>
          {saved.consentUrl ? (
            <a href={saved.consentUrl} className="inline-block text-brand-700 underline">
              Grant admin consent in Microsoft 365
            </a>
          ) : null}
        </>
      )}
    />
  );
}
