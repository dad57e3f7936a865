import type { AllowedProvider } from './types';

export const PROVIDER_HINTS: Record<AllowedProvider, string> = {
  google: 'Sign in with Google; Tandem asks for access to your calendars only.',
  microsoft: 'Work, school or personal Microsoft account.',
  icloud: 'Apple ID and an app-specific password.',
  caldav: 'Nextcloud, Fastmail, Radicale and other CalDAV servers.',
};

/** Where the OAuth dance starts (a full page navigation: the route redirects to the provider). */
export function connectStartUrl(provider: 'google' | 'microsoft', reconnectId?: string): string {
  const base = `/api/connections/${provider}/start`;
  return reconnectId ? `${base}?reconnect=${encodeURIComponent(reconnectId)}` : base;
}

/** A link that looks like a secondary button (OAuth starts are navigations, not actions in the page). */
export const LINK_BUTTON_CLASS =
  'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100';
