import type { Metadata } from 'next';
import { PROVIDER_LABELS } from '@/components/calendar/provider-labels';
import { Alert } from '@/components/ui/alert';
import { requireSignedIn } from '@/server/auth/session-profile';
import { getDb } from '@/server/db';
import { getCalendarIntegrationSettings } from '@/server/tenants/settings';

export const metadata: Metadata = { title: 'Calendars' };

export default async function CalendarsSettingsPage() {
  const { actor } = await requireSignedIn();
  const settings = await getCalendarIntegrationSettings(await getDb(), actor.tenantId);
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-2xl font-semibold">Account settings · Calendars</h1>
      <p className="text-slate-700">
        Connect the calendars you already use — Google Calendar, Microsoft 365 or Outlook.com, Apple iCloud or
        another CalDAV calendar — to see your appointments beside your Tandem tasks and meetings, and to receive
        meeting invitations there.
      </p>
      {settings.enabled ? (
        <Alert tone="info">
          {settings.tenantName} has enabled calendar integration for:{' '}
          {settings.allowedProviders.map((kind) => PROVIDER_LABELS[kind]).join(', ') || 'no providers yet'}.
          Connecting a calendar from this page is being rolled out; your connections will be listed here.
        </Alert>
      ) : (
        <Alert tone="info">
          Calendar connections appear here once an administrator of {settings.tenantName} enables calendar
          integration in Tenant settings.
        </Alert>
      )}
      <section aria-labelledby="connections-heading" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="connections-heading" className="text-lg font-semibold">
          Your connections
        </h2>
        <p className="mt-2 text-sm text-slate-700">You have not connected any calendars.</p>
      </section>
    </div>
  );
}
