/** The faults the randomized convergence run injects into the emulators, and their clearing. */
import type { DeliveryTestbed } from '@/tests/support/delivery-testbed';
import type { Op } from './ops';

/**
 * `token`: the access token turns out expired — one 401, which the adapter answers by refreshing
 * and trying again. Never twice in a row: a 401 after a fresh token means the grant is gone,
 * and the connection rightly waits to be reconnected (a different story: helper `attendees`).
 */
export function injectFault(t: DeliveryTestbed, op: Extract<Op, { t: 'fault' }>) {
  const times = op.fault === 'token' ? 1 : op.times;
  if (op.tenant === 'google') {
    const control = t.google.emulator.control;
    if (op.fault === '429') control.preset('rate_limit_429', { times: op.times, retryAfterSeconds: 1 });
    else if (op.fault === '5xx') control.preset('server_error', { times: op.times, status: 503 });
    else if (op.fault === '410') control.preset('sync_token_410', { times: op.times });
    else
      control.addFault({
        pathIncludes: '/calendar/v3/',
        times,
        response: {
          status: 401,
          headers: {},
          body: { error: { code: 401, message: 'Invalid Credentials', status: 'UNAUTHENTICATED' } },
        },
      });
  } else {
    const status = { '429': 429, '5xx': 503, '410': 410, token: 401 }[op.fault];
    t.microsoft.fault({ status, times, ...(op.fault === '410' ? { path: 'delta' } : {}) });
  }
}

/** Only the faults (a reset would also drop the accounts' events). */
export async function clearFaults(t: DeliveryTestbed) {
  await fetch(`${t.google.url}/__control/faults`, { method: 'DELETE' });
  t.microsoft.emulator.control.clearFaults();
}
