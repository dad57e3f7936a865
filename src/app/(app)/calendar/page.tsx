import type { Metadata } from 'next';
import { CalendarView } from '@/components/calendar/calendar-view';
import { HydrateClient, getQueryClient, trpc } from '@/trpc/server';

export const metadata: Metadata = { title: 'Calendar' };

export default async function CalendarPage() {
  await getQueryClient().prefetchQuery(trpc.me.profile.queryOptions());
  return (
    <HydrateClient>
      <CalendarView />
    </HydrateClient>
  );
}
