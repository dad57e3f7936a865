import type { Metadata } from 'next';
import { CalendarView } from '@/components/calendar/calendar-view';
import { requireSignedIn } from '@/server/auth/session-profile';
import { requestLocale } from '@/server/users/request-locale';
import { HydrateClient, seedSignedInProfile } from '@/trpc/server';

export const metadata: Metadata = { title: 'Calendar' };

export default async function CalendarPage() {
  const { profile } = await requireSignedIn();
  const [locale] = await Promise.all([requestLocale(profile.locale), seedSignedInProfile()]);
  return (
    <HydrateClient>
      <CalendarView locale={locale} />
    </HydrateClient>
  );
}
