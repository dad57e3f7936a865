import type { Metadata } from 'next';
import { CalendarView } from '@/components/calendar/calendar-view';
import { HydrateClient, seedSignedInProfile } from '@/trpc/server';

export const metadata: Metadata = { title: 'Calendar' };

export default async function CalendarPage() {
  await seedSignedInProfile();
  return (
    <HydrateClient>
      <CalendarView />
    </HydrateClient>
  );
}
