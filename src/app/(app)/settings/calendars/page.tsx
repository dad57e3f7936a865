import type { Metadata } from 'next';
import { CalendarConnections } from '@/components/settings/calendars/calendar-connections';
import { ConnectResultAlert } from '@/components/settings/calendars/connect-result-alert';
import { Alert } from '@/components/ui/alert';
import { appDeps } from '@/server/app-deps';
import { requireSignedIn } from '@/server/auth/session-profile';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { getCalendarIntegrationSettings } from '@/server/tenants/settings';
import { HydrateClient, getQueryClient, seedSignedInProfile, trpc } from '@/trpc/server';

export const metadata: Metadata = { title: 'Calendars' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function CalendarsSettingsPage({ searchParams }: { searchParams: SearchParams }) {
  const { actor } = await requireSignedIn();
  const settings = await getCalendarIntegrationSettings((await appDeps()).db, actor.tenantId);
  const params = await searchParams;
  if (settings.enabled) {
    const queryClient = getQueryClient();
    await Promise.all([
      seedSignedInProfile(),
      queryClient.prefetchQuery(trpc.connections.list.queryOptions()),
    ]);
  }
  return (
    <HydrateClient>
      <div className="max-w-3xl space-y-4">
        <h1 className="text-2xl font-semibold">Account settings · Calendars</h1>
        <p className="text-slate-700">
          Connect the calendars you already use — Google Calendar, Microsoft 365 or Outlook.com, Apple iCloud
          or another CalDAV calendar — to see your appointments beside your Tandem tasks and meetings. Tandem
          reads these calendars. Meetings you send from Tandem go into your write-target calendar, and your
          attendees are invited from it; meetings you are invited to arrive in your own calendar. Answer there
          or in Tandem: the organiser sees your answer either way, and Tandem writes it to your calendar too.
          Tandem changes nothing else in your calendars.
        </p>
        <ConnectResultAlert connected={single(params.connected)} error={single(params.error)} />
        {settings.enabled ? (
          <>
            <p className="text-sm text-slate-700">
              {settings.tenantName} has enabled calendar integration for:{' '}
              {settings.allowedProviders.map((kind) => PROVIDER_LABELS[kind]).join(', ') ||
                'no providers yet'}
              .
            </p>
            <CalendarConnections />
          </>
        ) : (
          <Alert tone="info">
            Calendar connections appear here once an administrator of {settings.tenantName} enables calendar
            integration in Tenant settings.
          </Alert>
        )}
      </div>
    </HydrateClient>
  );
}
