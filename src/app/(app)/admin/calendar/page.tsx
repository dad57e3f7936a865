import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { CalendarIntegrationSettings } from '@/components/admin/calendar-integration-settings';
import { requireSignedIn } from '@/server/auth/session-profile';
import { hasPermission } from '@/server/tenants/actor';
import { HydrateClient, getQueryClient, trpc } from '@/trpc/server';

export const metadata: Metadata = { title: 'Calendar integration' };

export default async function AdminCalendarPage() {
  const { actor } = await requireSignedIn();
  if (!hasPermission(actor, 'manage_tenant_settings')) forbidden();
  await getQueryClient().prefetchQuery(trpc.tenant.calendarIntegration.queryOptions());
  return (
    <HydrateClient>
      <h1 className="text-2xl font-semibold">Tenant settings · Calendar integration</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Let the people of your organisation connect Google, Microsoft 365 / Outlook.com, Apple iCloud and
        other CalDAV calendars, so that their appointments show beside their Tandem tasks and meetings. Tandem
        reads those calendars; it does not write Tandem meetings into them yet.
      </p>
      <CalendarIntegrationSettings />
    </HydrateClient>
  );
}
