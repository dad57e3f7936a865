import type { ConnectionProvider } from '@/server/db/schema';

/**
 * The plain words a meeting shows for where each invitation went (DESIGN.md §4 rule 6): "in
 * Outlook", "email sent", "waiting for Google (retrying)", "could not deliver: reconnect your
 * calendar". Short names, as people say them.
 */
const SHORT_NAMES: Record<ConnectionProvider, string> = {
  google: 'Google Calendar',
  microsoft: 'Outlook',
  icloud: 'iCloud',
  caldav: 'their CalDAV calendar',
  ews: 'Exchange',
};

const SERVICE_NAMES: Record<ConnectionProvider, string> = {
  google: 'Google',
  microsoft: 'Outlook',
  icloud: 'iCloud',
  caldav: 'the CalDAV server',
  ews: 'Exchange Server',
};

export const deliveryWords = {
  inCalendar: (provider: ConnectionProvider) => `in ${SHORT_NAMES[provider]}`,
  invitedBy: (provider: ConnectionProvider) => `invitation sent by ${SHORT_NAMES[provider]}`,
  emailSent: 'email sent',
  cancellationSent: 'cancellation sent',
  retrying: (provider: ConnectionProvider) => `waiting for ${SERVICE_NAMES[provider]} (retrying)`,
  emailRetrying: 'waiting to send the email (retrying)',
  reconnect: 'could not deliver: reconnect your calendar',
  gaveUp: 'could not deliver: the calendar or mail service kept failing; change the meeting to try again',
  organizerMustReconnect: (provider: ConnectionProvider) =>
    `waiting for ${SERVICE_NAMES[provider]}: the organiser needs to reconnect`,
  refused: (provider: ConnectionProvider) =>
    `could not deliver: ${SERVICE_NAMES[provider]} refused the meeting`,
};

/** True for a detail that says the copy was found in the person's own calendar. */
export function isInCalendarDetail(detail: string | null): boolean {
  return detail !== null && detail.startsWith('in ');
}
