import type { Metadata } from 'next';
import { MyAvailability } from '@/components/scheduling/my-availability';
import { SchedulingAssistant } from '@/components/scheduling/scheduling-assistant';
import { requireSignedIn } from '@/server/auth/session-profile';
import { canOrganize } from '@/server/meetings/organizers';
import { requestLocale } from '@/server/users/request-locale';
import { HydrateClient, seedSignedInProfile } from '@/trpc/server';

export const metadata: Metadata = { title: 'Scheduling Assistant' };

/** Tutors and admins arrange meetings here; a learner sees their own time as a tutor sees it. */
export default async function SchedulingPage() {
  const { profile } = await requireSignedIn();
  const [locale] = await Promise.all([requestLocale(profile.locale), seedSignedInProfile()]);
  return (
    <HydrateClient>
      {canOrganize(profile.role) ? (
        <SchedulingAssistant locale={locale} />
      ) : (
        <MyAvailability locale={locale} />
      )}
    </HydrateClient>
  );
}
