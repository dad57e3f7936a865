import Link from 'next/link';
import { signOutAction } from '@/app/sign-in/actions';
import { NotificationBell } from '@/components/notifications/notification-bell';
import type { Profile } from '@/server/users/profile';
import { NavLink } from './nav-link';

export function AppHeader({ profile, locale }: { profile: Profile; locale: string }) {
  const canManageTenant = profile.permissions.includes('manage_tenant_settings');
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/calendar" className="text-lg font-bold text-brand-700">
          Tandem
        </Link>
        <nav aria-label="Main" className="flex flex-wrap gap-1">
          <NavLink href="/calendar">Calendar</NavLink>
          <NavLink href="/scheduling">
            {profile.role === 'learner' ? 'What my tutor sees' : 'Scheduling Assistant'}
          </NavLink>
          <NavLink href="/settings">Account settings</NavLink>
          <NavLink href="/settings/calendars">Calendars</NavLink>
          {canManageTenant ? <NavLink href="/admin/calendar">Tenant settings</NavLink> : null}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <NotificationBell locale={locale} />
          <span className="text-slate-700">
            {profile.name ?? profile.email} · <span className="capitalize">{profile.role}</span> ·{' '}
            {profile.tenant.name}
          </span>
          <form action={signOutAction}>
            <button
              type="submit"
              className="rounded-md px-2 py-1 text-slate-700 underline hover:bg-slate-100"
            >
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
