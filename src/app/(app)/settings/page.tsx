import type { Metadata } from 'next';
import { NotificationPreferences } from '@/components/settings/notification-preferences';
import { ProfileForm } from '@/components/settings/profile-form';
import { HydrateClient, seedSignedInProfile } from '@/trpc/server';

export const metadata: Metadata = { title: 'Account settings' };

export default async function AccountSettingsPage() {
  await seedSignedInProfile();
  return (
    <HydrateClient>
      <div className="max-w-2xl">
        <h1 className="text-2xl font-semibold">Account settings</h1>
        <p className="mt-1 text-slate-700">
          Your calendar is shown in your time zone; others see your working hours.
        </p>
        <ProfileForm />
        <NotificationPreferences />
      </div>
    </HydrateClient>
  );
}
