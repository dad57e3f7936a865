import type { ProviderKindSetting } from '@/server/db/schema';

/**
 * What people call each calendar provider: on buttons, cards and in sentences ("this iCloud
 * account", "Google Calendar refused the sign-in"), so each reads as a name on its own. The one
 * table for the UI and the server's messages; plain constants, safe to import from client components.
 */
export const PROVIDER_LABELS = {
  google: 'Google Calendar',
  microsoft: 'Microsoft Outlook',
  icloud: 'iCloud',
  caldav: 'CalDAV',
  ews: 'Exchange Server',
} as const satisfies Record<ProviderKindSetting, string>;
