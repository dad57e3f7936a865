'use client';

import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Switch } from 'radix-ui';
import { useId, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { StatusMessage } from '@/components/ui/status-message';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { useTRPC } from '@/trpc/react';

const PROVIDERS = ['google', 'microsoft', 'icloud', 'caldav', 'ews'] as const;
const UNANSWERED_CHOICES = [
  { value: 'tentative', label: 'Tentative', hint: 'suggested times avoid them where they can' },
  { value: 'busy', label: 'Busy', hint: 'suggested times never fall on them' },
] as const;

export function CalendarIntegrationSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const switchId = useId();
  const { data: settings } = useSuspenseQuery(trpc.tenant.calendarIntegration.queryOptions());
  const [providersSaved, setProvidersSaved] = useState<string | null>(null);
  const [unansweredSaved, setUnansweredSaved] = useState<string | null>(null);
  const update = useMutation(
    trpc.tenant.updateCalendarIntegration.mutationOptions({
      onMutate: () => {
        setProvidersSaved(null);
        setUnansweredSaved(null);
      },
      onSuccess: (next, input) => {
        queryClient.setQueryData(trpc.tenant.calendarIntegration.queryKey(), next);
        if (input.allowedProviders) setProvidersSaved(describeSavedProviders(next.allowedProviders));
        if (input.unansweredInvitationsCountAs)
          setUnansweredSaved(
            `Saved. Unanswered invitations count as ${next.unansweredInvitationsCountAs} in the Scheduling Assistant.`,
          );
      },
    }),
  );

  return (
    <div className="mt-6 max-w-3xl space-y-6">
      {update.error ? <Alert tone="error">{update.error.message}</Alert> : null}
      <section
        aria-labelledby={`${switchId}-heading`}
        className="rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id={`${switchId}-heading`} className="text-lg font-semibold">
          Status
        </h2>
        <div className="mt-3 flex items-center gap-3">
          <Switch.Root
            id={switchId}
            checked={settings.enabled}
            disabled={update.isPending}
            onCheckedChange={(enabled) => update.mutate({ enabled })}
            className="relative h-6 w-11 shrink-0 rounded-full bg-slate-400 transition-colors data-[state=checked]:bg-brand-700"
          >
            <Switch.Thumb className="block h-5 w-5 translate-x-0.5 rounded-full bg-white shadow transition-transform data-[state=checked]:translate-x-[1.375rem]" />
          </Switch.Root>
          <label htmlFor={switchId} className="font-medium">
            Enable calendar integration for {settings.tenantName}
          </label>
        </div>
        <p className="mt-2 text-sm text-slate-700" role="status">
          {settings.enabled
            ? 'On: members can connect their calendars in Account settings → Calendars.'
            : 'Off: members cannot connect calendars. Existing Tandem meetings are not affected.'}
        </p>
      </section>

      <fieldset className="rounded-lg border border-slate-200 bg-white p-5" disabled={update.isPending}>
        <legend className="px-1 text-lg font-semibold">Allowed providers</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {PROVIDERS.map((provider) => (
            <label key={provider} className="flex items-center gap-2">
              <input
                type="checkbox"
                className="h-4 w-4"
                checked={settings.allowedProviders.includes(provider)}
                onChange={(event) =>
                  update.mutate({
                    allowedProviders: event.target.checked
                      ? [...settings.allowedProviders, provider]
                      : settings.allowedProviders.filter((kind) => kind !== provider),
                  })
                }
              />
              {PROVIDER_LABELS[provider]}
            </label>
          ))}
        </div>
        <StatusMessage message={providersSaved} className="mt-3" />
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 bg-white p-5" disabled={update.isPending}>
        <legend className="px-1 text-lg font-semibold">Unanswered invitations count as</legend>
        <p className="mt-1 text-sm text-slate-700">
          How the Scheduling Assistant and the meeting form&rsquo;s clash warning treat a Tandem meeting
          someone has been invited to and not yet answered.
        </p>
        <div className="mt-2 space-y-2">
          {UNANSWERED_CHOICES.map((choice) => (
            <label key={choice.value} className="flex items-center gap-2">
              <input
                type="radio"
                name={`${switchId}-unanswered`}
                className="h-4 w-4"
                value={choice.value}
                checked={settings.unansweredInvitationsCountAs === choice.value}
                onChange={() => update.mutate({ unansweredInvitationsCountAs: choice.value })}
              />
              <span>
                <span className="font-medium">{choice.label}</span>
                <span className="text-slate-700"> — {choice.hint}</span>
              </span>
            </label>
          ))}
        </div>
        <StatusMessage message={unansweredSaved} className="mt-3" />
      </fieldset>
    </div>
  );
}

function describeSavedProviders(allowed: readonly string[]): string {
  const names = PROVIDERS.filter((provider) => allowed.includes(provider)).map(
    (provider) => PROVIDER_LABELS[provider],
  );
  return names.length > 0
    ? `Saved. Members can connect: ${names.join(', ')}.`
    : 'Saved. No provider is allowed: members cannot connect a calendar.';
}
