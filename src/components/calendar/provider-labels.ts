export const PROVIDER_LABELS = {
  google: 'Google Calendar',
  microsoft: 'Microsoft 365 / Outlook.com',
  icloud: 'Apple iCloud',
  caldav: 'Other CalDAV server',
  ews: 'Exchange Server (on premises)',
} as const;
