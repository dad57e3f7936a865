import type { Metadata } from 'next';
import { CalendarView } from '@/components/calendar/calendar-view';
import { firstCalendarRange } from '@/components/calendar/first-range';
import { requireSignedIn } from '@/server/auth/session-profile';
import { requestLocale } from '@/server/users/request-locale';
import { getQueryClient, HydrateClient, seedSignedInProfile, trpc } from '@/trpc/server';

export const metadata: Metadata = { title: 'Calendar' };

export default async function CalendarPage() {
  const { profile } = await requireSignedIn();
  // The first week's feed comes with the page (issue 16): the grid draws it on mount, no fetch.
  const range = firstCalendarRange(new Date(), profile.timeZone);
  const [locale] = await Promise.all([
    requestLocale(profile.locale),
    seedSignedInProfile(),
    getQueryClient().prefetchQuery(trpc.calendar.feed.queryOptions(range)),
  ]);
  return (
    <HydrateClient>
      <CalendarView
        locale={locale}
        firstRange={{ from: range.from.toISOString(), to: range.to.toISOString() }}
      />
    </HydrateClient>
  );
}
