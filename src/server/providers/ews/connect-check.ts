import { ProviderAuthRevokedError, ProviderError } from '../errors';
import type { EwsConnectionConfig } from './config';
import { createEwsProvider } from './provider';

/**
 * The check the connect form runs before storing Exchange credentials: list the calendar folder
 * and tell apart the three ways it fails, each with its own plain message (as the CalDAV
 * connect does): a refused password, a server that does not answer, and a server that answers
 * but is not Exchange (no EWS at that address).
 */
export type ExchangeCheck =
  | { ok: true; calendarId: string; calendarName: string }
  | { ok: false; reason: 'wrong_password' | 'unreachable' | 'not_exchange'; message: string };

export const EXCHANGE_CHECK_MESSAGES = {
  wrong_password: 'Exchange refused that user name and password. Check them and try again.',
  unreachable: 'We could not reach that server. Check the address, or try again later.',
  not_exchange:
    'That address answers, but not as Exchange Server. Check the EWS address (…/EWS/Exchange.asmx).',
} as const;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

/** True when a network failure (no HTTP answer at all) is somewhere in the error's causes. */
function isNetworkFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift() as {
      code?: unknown;
      cause?: unknown;
      InnerException?: unknown;
      message?: unknown;
    } | null;
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    if (typeof current.code === 'string' && NETWORK_CODES.has(current.code)) return true;
    if (
      typeof current.message === 'string' &&
      /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|socket hang up/.test(current.message)
    )
      return true;
    queue.push(current.cause, current.InnerException);
  }
  return false;
}

export async function checkExchangeServer(config: EwsConnectionConfig): Promise<ExchangeCheck> {
  const fail = (reason: keyof typeof EXCHANGE_CHECK_MESSAGES): ExchangeCheck => ({
    ok: false,
    reason,
    message: EXCHANGE_CHECK_MESSAGES[reason],
  });
  try {
    const [calendar] = await createEwsProvider(config).listCalendars();
    if (!calendar) return fail('not_exchange');
    return { ok: true, calendarId: calendar.externalId, calendarName: calendar.name };
  } catch (error) {
    if (isNetworkFailure(error)) return fail('unreachable');
    if (error instanceof ProviderAuthRevokedError) return fail('wrong_password');
    if (
      error instanceof ProviderError &&
      (error.status === 503 || error.status === 502 || error.status === 504)
    )
      return fail('unreachable');
    return fail('not_exchange');
  }
}
