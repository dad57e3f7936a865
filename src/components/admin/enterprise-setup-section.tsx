'use client';

import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useId, type FormEvent, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useTRPC } from '@/trpc/react';
import {
  ENTERPRISE_PROVIDER_NAMES,
  EnterpriseStatus,
  EnterpriseTestAndRemove,
  type EnterpriseSetupProvider,
  type EnterpriseSetupView,
} from './enterprise-setup-parts';

/**
 * What the Microsoft 365 and Google Workspace set-ups share: the section and its heading, the
 * save form with its error, and once saved the status, the provider's own instructions, Test and
 * removal. Each set-up brings its fields and instructions.
 */

/** The tenant's enterprise overview and a way to load it again after a change. */
export function useEnterpriseOverview() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.enterprise.overview.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.enterprise.overview.queryKey() });
  return { overview: data, refresh };
}

/** The hint under a stored credential's field: it is never shown again, and how to keep or replace it. */
export function storedSecretHint(stored: boolean, keepOrReplace: string): string {
  return stored
    ? `Stored encrypted and never shown again. ${keepOrReplace}`
    : 'Stored encrypted and never shown again.';
}

export function EnterpriseSetupSection({
  provider,
  intro,
  formLabel,
  setup,
  save,
  onSave,
  onChanged,
  fields,
  instructions,
  notice,
}: {
  provider: EnterpriseSetupProvider;
  intro: ReactNode;
  /** The save form's accessible name. */
  formLabel: string;
  setup: EnterpriseSetupView | null;
  save: { isPending: boolean; error: { message: string } | null };
  onSave: () => void;
  onChanged: () => void;
  fields: ReactNode;
  /** What to do in the provider's admin console, shown once saved. */
  instructions: (setup: EnterpriseSetupView) => ReactNode;
  /** What came back from the provider's admin console (Microsoft's admin consent), above the form. */
  notice?: ReactNode;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={headingId} className="text-lg font-semibold">
        {ENTERPRISE_PROVIDER_NAMES[provider]} enterprise connection
      </h2>
      <p className="mt-1 text-sm text-slate-700">{intro}</p>
      {notice ? <div className="mt-3">{notice}</div> : null}
      {save.error ? <Alert tone="error">{save.error.message}</Alert> : null}
      <form
        className="mt-4 space-y-3"
        aria-label={formLabel}
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          onSave();
        }}
      >
        {fields}
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save'}
        </Button>
      </form>
      {setup ? (
        <div className="mt-5 space-y-3">
          <EnterpriseStatus setup={setup} />
          {instructions(setup)}
          <EnterpriseTestAndRemove provider={provider} onChanged={onChanged} />
        </div>
      ) : null}
    </section>
  );
}
