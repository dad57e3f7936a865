/**
 * Why an OAuth connect ended without a connection: the callback redirects to
 * `/settings/calendars?error=<reason>` and the settings page shows the sentence. Plain constants,
 * safe to import from client components.
 */
export const CONNECT_FAILURE_MESSAGES = {
  denied: 'You cancelled the sign-in, so nothing was connected.',
  expired: 'That sign-in link has expired or was already used. Please start again.',
  not_allowed: 'Your organisation does not allow this calendar to be connected.',
  not_configured: 'This calendar provider is not set up on this server yet. Please ask an administrator.',
  refused: 'The provider refused the sign-in. Please try again.',
  wrong_account:
    'You signed in with a different account from the one you were reconnecting. Please try again with the same account.',
  unavailable: 'The provider could not be reached. Please try again in a moment.',
  failed: 'Something went wrong while connecting your calendar. Please try again.',
} as const;

export type ConnectFailure = keyof typeof CONNECT_FAILURE_MESSAGES;

export function isConnectFailure(value: string | null | undefined): value is ConnectFailure {
  return !!value && Object.hasOwn(CONNECT_FAILURE_MESSAGES, value);
}
