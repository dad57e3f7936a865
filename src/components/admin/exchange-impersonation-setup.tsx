'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { SelectField, TextField } from '@/components/ui/field';
import { useTRPC } from '@/trpc/react';
import { EnterpriseSetupSection, storedSecretHint, useEnterpriseOverview } from './enterprise-setup-section';

/**
 * Exchange Server (on premises) enterprise access: a service account holding the
 * ApplicationImpersonation role, at the server's EWS address or the one Autodiscover finds; its
 * password is never shown again. Then the role to grant, Test as an address, and removal.
 */
export function ExchangeImpersonationSetup() {
  const trpc = useTRPC();
  const { overview, refresh } = useEnterpriseOverview();
  const setup = overview.exchange;
  const [serverUrl, setServerUrl] = useState(setup?.domain ?? '');
  const [autodiscoverEmail, setAutodiscoverEmail] = useState('');
  const [username, setUsername] = useState(setup?.clientId ?? '');
  const [password, setPassword] = useState('');
  const [auth, setAuth] = useState<'basic' | 'ntlm'>(setup?.auth ?? 'ntlm');
  const save = useMutation(
    trpc.enterprise.saveExchange.mutationOptions({ onSuccess: () => (setPassword(''), refresh()) }),
  );

  return (
    <EnterpriseSetupSection
      provider="ews_impersonation"
      intro="Create a service account in Active Directory, give it the ApplicationImpersonation role on Exchange Server, and enter its user name and password here. Tandem then acts as each person's mailbox through it."
      formLabel="Exchange Server service account"
      setup={setup}
      save={save}
      onSave={() =>
        save.mutate({
          ...(serverUrl.trim() ? { serverUrl: serverUrl.trim() } : {}),
          ...(!serverUrl.trim() && autodiscoverEmail.trim()
            ? { autodiscoverEmail: autodiscoverEmail.trim() }
            : {}),
          username,
          auth,
          ...(password ? { password } : {}),
        })
      }
      onChanged={() => void refresh()}
      fields={
        <>
          <TextField
            label="Server address"
            type="url"
            placeholder="https://mail.example.org"
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
            hint="The Outlook on the web address, or the full EWS address ending in /EWS/Exchange.asmx. Leave empty to find it by Autodiscover."
          />
          {serverUrl.trim() ? null : (
            <TextField
              label="Find the server from this address (Autodiscover)"
              type="email"
              value={autodiscoverEmail}
              onChange={(e) => setAutodiscoverEmail(e.target.value)}
              hint="Any mailbox address of your organisation, such as the service account's."
            />
          )}
          <TextField
            label="Service account user name"
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            hint="DOMAIN\user or user@domain."
            required
          />
          <TextField
            label="Service account password"
            type="password"
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            hint={storedSecretHint(Boolean(setup), 'Leave empty to keep it; enter a new one to replace it.')}
          />
          <SelectField
            label="Authentication"
            value={auth}
            onChange={(e) => setAuth(e.target.value === 'basic' ? 'basic' : 'ntlm')}
            hint="Exchange Server usually offers NTLM (Windows)."
          >
            <option value="ntlm">NTLM (Windows)</option>
            <option value="basic">Basic</option>
          </SelectField>
        </>
      }
      instructions={(saved) => (
        <div className="text-sm">
          <p>
            EWS address: <code>{saved.domain}</code>
          </p>
          <p className="mt-1 font-medium">Role to grant the service account (Exchange Management Shell):</p>
          <p>
            <code>
              New-ManagementRoleAssignment -Role {saved.permissions[0]} -User {saved.clientId}
            </code>
          </p>
          <p className="mt-1">
            To limit it to some mailboxes, add <code>-CustomRecipientWriteScope</code> with a management
            scope; people outside it show as refused in Test and bulk add.
          </p>
        </div>
      )}
    />
  );
}
