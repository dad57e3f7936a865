import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { adminConsentAnswerOf } from '@/components/admin/admin-consent-answer';
import { AuditLogView } from '@/components/admin/audit-log-view';
import { BulkAdd } from '@/components/admin/bulk-add';
import { CalendarIntegrationSettings } from '@/components/admin/calendar-integration-settings';
import { ConnectionHealthTable } from '@/components/admin/connection-health-table';
import { ExchangeImpersonationSetup } from '@/components/admin/exchange-impersonation-setup';
import { GoogleWorkspaceSetup } from '@/components/admin/google-workspace-setup';
import { Microsoft365Setup } from '@/components/admin/microsoft-365-setup';
import { requireSignedIn } from '@/server/auth/session-profile';
import { hasPermission } from '@/server/tenants/actor';
import { HydrateClient, getQueryClient, trpc } from '@/trpc/server';

export const metadata: Metadata = { title: 'Calendar integration' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminCalendarPage({ searchParams }: { searchParams: SearchParams }) {
  const { actor } = await requireSignedIn();
  if (!hasPermission(actor, 'manage_tenant_settings')) forbidden();
  await Promise.all([
    getQueryClient().prefetchQuery(trpc.tenant.calendarIntegration.queryOptions()),
    getQueryClient().prefetchQuery(trpc.enterprise.overview.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <h1 className="text-2xl font-semibold">Tenant settings · Calendar integration</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Let the people of your organisation connect Google, Microsoft 365 / Outlook.com, Apple iCloud and
        other CalDAV calendars, so that their appointments show beside their Tandem tasks and meetings, and
        the meetings tutors send land in everyone&rsquo;s own calendar. Tandem reads those calendars. A
        meeting goes into the organiser&rsquo;s chosen calendar, and Google, Outlook or iCloud invite the
        attendees from there as they always do; Tandem places the copy itself only in plain CalDAV calendars.
        People without a connected calendar, and guests from outside, get an email invitation they can answer
        without signing in. Every answer, wherever it is given, shows on the meeting.
      </p>
      <CalendarIntegrationSettings />
      <div className="mt-6 max-w-3xl space-y-6">
        {/* The redirect URI of the admin consent link: Microsoft's answer arrives in the query. */}
        <Microsoft365Setup consentAnswer={adminConsentAnswerOf(await searchParams)} />
        <GoogleWorkspaceSetup />
        <ExchangeImpersonationSetup />
        <BulkAdd />
      </div>
      <ConnectionHealthTable />
      <AuditLogView />
    </HydrateClient>
  );
}
