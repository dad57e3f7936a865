import type { AllowedProvider } from './types';

export const PROVIDER_HINTS: Record<AllowedProvider, string> = {
  google: 'Sign in with Google; Tandem asks for access to your calendars only.',
  microsoft: 'Work or school Microsoft 365 account.',
  icloud: 'Apple ID and an app-specific password.',
  caldav: 'Nextcloud, Fastmail, Radicale and other CalDAV servers.',
  ews: 'Exchange Server 2016, 2019 or Subscription Edition run by your organisation.',
};

/**
 * Where the OAuth dance starts (a full page navigation: the route redirects to the provider).
 * `account: 'personal'` marks an Outlook.com account, which has no free/busy service of its own.
 */
export function connectStartUrl(
  provider: 'google' | 'microsoft',
  options: { reconnectId?: string; account?: 'personal' } = {},
): string {
  const query = new URLSearchParams();
  if (options.reconnectId) query.set('reconnect', options.reconnectId);
  if (options.account) query.set('account', options.account);
  const search = query.toString();
  return `/api/connections/${provider}/start${search ? `?${search}` : ''}`;
}

/** A link that looks like a secondary button (OAuth starts are navigations, not actions in the page). */
export const LINK_BUTTON_CLASS =
  'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100';
