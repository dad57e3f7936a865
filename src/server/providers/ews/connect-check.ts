import { ProviderAuthRevokedError, ProviderError } from '../errors';
import type { CalendarProvider } from '../types';
import type { EwsConnectionConfig } from './config';
import { EXCHANGE_CHECK_MESSAGES } from './connect-messages';
import { createEwsProvider } from './provider';

export { EXCHANGE_CHECK_MESSAGES };

/**
 * The check the connect form runs before storing Exchange credentials: list the calendar folder
 * and tell apart the three ways it fails, each with its own plain message (as the CalDAV
 * connect does): a refused password, a server that does not answer, and a server that answers
 * but is not Exchange (no EWS at that address).
 */
export type ExchangeCheck =
  | { ok: true; calendarId: string; calendarName: string }
  | { ok: false; reason: 'wrong_password' | 'unreachable' | 'not_exchange'; message: string };

const NETWORK_CODES = new Set([
  // The address guard (service.ts): told apart from nothing else, as CalDAV does.
  'ERR_TANDEM_ADDRESS_REFUSED',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

interface ErrorLike {
  code?: unknown;
  cause?: unknown;
  InnerException?: unknown;
  message?: unknown;
}

/** The error and everything it wraps (ours as `cause`, the library's as `InnerException`). */
function* causesOf(error: unknown): Generator<ErrorLike> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift() as ErrorLike | null;
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    yield current;
    queue.push(current.cause, current.InnerException);
  }
}

const messageMatches = (cause: ErrorLike, pattern: RegExp) =>
  typeof cause.message === 'string' && pattern.test(cause.message);

/** True when a network failure (no HTTP answer at all) is somewhere in the error's causes. */
function isNetworkFailure(error: unknown): boolean {
  for (const cause of causesOf(error)) {
    if (typeof cause.code === 'string' && NETWORK_CODES.has(cause.code)) return true;
    if (
      messageMatches(
        cause,
        /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|socket hang up|address is not reachable/,
      )
    )
      return true;
  }
  return false;
}

/**
 * The NTLM handshake got no NTLM challenge back (the library reports it as a server error):
 * whatever answered there is not IIS in front of EWS.
 */
function isMissingNtlmChallenge(error: unknown): boolean {
  for (const cause of causesOf(error))
    if (messageMatches(cause, /www-authenticate not found|Invalid message signature/)) return true;
  return false;
}

export async function checkExchangeServer(config: EwsConnectionConfig): Promise<ExchangeCheck> {
  return checkExchangeCalendar(createEwsProvider(config));
}

/** The same check on an adapter already built (the connect code builds it through the registry). */
export async function checkExchangeCalendar(
  provider: Pick<CalendarProvider, 'listCalendars'>,
): Promise<ExchangeCheck> {
  const fail = (reason: keyof typeof EXCHANGE_CHECK_MESSAGES): ExchangeCheck => ({
    ok: false,
    reason,
    message: EXCHANGE_CHECK_MESSAGES[reason],
  });
  try {
    const [calendar] = await provider.listCalendars();
    if (!calendar) return fail('not_exchange');
    return { ok: true, calendarId: calendar.externalId, calendarName: calendar.name };
  } catch (error) {
    if (isNetworkFailure(error)) return fail('unreachable');
    if (isMissingNtlmChallenge(error)) return fail('not_exchange');
    if (error instanceof ProviderAuthRevokedError) return fail('wrong_password');
    if (
      error instanceof ProviderError &&
      (error.status === 503 || error.status === 502 || error.status === 504)
    )
      return fail('unreachable');
    return fail('not_exchange');
  }
}
