import { Button } from '@/components/ui/button';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { LINK_BUTTON_CLASS, PROVIDER_HINTS, connectStartUrl } from './provider-links';
import type { AllowedProvider, FormProvider } from './types';

interface ConnectCalendarSectionProps {
  allowedProviders: AllowedProvider[];
  onOpenForm: (kind: FormProvider) => void;
}

/** One way in per allowed provider: OAuth providers leave the page, password ones open a form. */
export function ConnectCalendarSection({ allowedProviders, onOpenForm }: ConnectCalendarSectionProps) {
  return (
    <section aria-labelledby="connect-heading" className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id="connect-heading" className="text-lg font-semibold">
        Connect a calendar
      </h2>
      {allowedProviders.length === 0 ? (
        <p className="mt-2 text-sm text-slate-700">
          Your organisation has not allowed any calendar provider yet.
        </p>
      ) : (
        <ul className="mt-3 grid gap-3 sm:grid-cols-2">
          {allowedProviders.map((provider) => (
            <li key={provider} className="space-y-1">
              {provider !== 'google' && provider !== 'microsoft' ? (
                <Button variant="secondary" className="w-full" onClick={() => onOpenForm(provider)}>
                  {PROVIDER_LABELS[provider]}
                </Button>
              ) : (
                <a href={connectStartUrl(provider)} className={`${LINK_BUTTON_CLASS} w-full`}>
                  {PROVIDER_LABELS[provider]}
                </a>
              )}
              <p className="text-xs text-slate-600">
                {PROVIDER_HINTS[provider]}
                {provider === 'microsoft' ? (
                  <>
                    {' '}
                    <a
                      href={connectStartUrl('microsoft', { account: 'personal' })}
                      className="text-brand-700 underline"
                    >
                      Connect a personal Outlook.com account
                    </a>
                  </>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
