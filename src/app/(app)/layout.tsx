import type { ReactNode } from 'react';
import { AppHeader } from '@/components/shell/app-header';
import { requireSignedIn } from '@/server/auth/session-profile';
import { requestLocale } from '@/server/users/request-locale';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const { profile } = await requireSignedIn();
  const locale = await requestLocale(profile.locale);
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <AppHeader profile={profile} locale={locale} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        {children}
      </main>
    </>
  );
}
