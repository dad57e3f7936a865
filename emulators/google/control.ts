/**
 * Google-specific parts of the control API: the fault presets (Google's own error bodies) and the
 * routes under /__control/google/ (mint tokens without the consent page, read the outbox and the
 * push deliveries, expire sync tokens, revoke grants, shorten access-token lifetimes).
 *
 * Presets (POST /__control/faults {"preset": …}); API faults apply to /calendar/v3/ unless
 * `pathIncludes` says otherwise, and to the next `times` (default 1) matching requests:
 *   rate_limit_429      {retryAfterSeconds?}            429 rateLimitExceeded + Retry-After
 *   rate_limit_403      {reason?, retryAfterSeconds?}   403 rateLimitExceeded | userRateLimitExceeded | quotaExceeded
 *   server_error        {status?, retryAfterSeconds?}   5xx backendError (default 503)
 *   slow                {delayMs}                       answers late (then normally)
 *   sync_token_410      {}                              the next request with a syncToken answers 410 fullSyncRequired
 *   sync_tokens_expired {}                              every sync token issued so far is expired from now on
 *   revoked_grant       {email?}                        grants revoked: refresh → invalid_grant, API → 401
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { FaultSpecInput } from '../shared/faults';
import { apiErrors, faultBodies } from './api-errors';
import type { GoogleEnv } from './api-auth';
import type { OAuthGrants } from './oauth-grants';
import type { PushChannels } from './push-channels';
import type { GoogleStore } from './store';

const DEFAULT_SCOPE = 'https://www.googleapis.com/auth/calendar';

const common = z.object({
  times: z.number().int().positive().optional(),
  pathIncludes: z.string().optional(),
  method: z.string().optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
});

export function googleFaultPresets(
  store: GoogleStore,
  grants: OAuthGrants,
): Record<string, (params: Record<string, unknown>) => FaultSpecInput | null> {
  const base = (params: Record<string, unknown>) => {
    const parsed = common.parse(params);
    return {
      parsed,
      spec: {
        times: parsed.times ?? 1,
        pathIncludes: parsed.pathIncludes ?? '/calendar/v3/',
        method: parsed.method,
      },
      headers: (parsed.retryAfterSeconds !== undefined
        ? { 'retry-after': String(parsed.retryAfterSeconds) }
        : {}) as Record<string, string>,
    };
  };
  return {
    rate_limit_429: (params) => {
      const { spec, parsed } = base(params);
      const headers = { 'retry-after': String(parsed.retryAfterSeconds ?? 1) };
      return { ...spec, response: { status: 429, headers, body: faultBodies.rateLimitExceeded(429) } };
    },
    rate_limit_403: (params) => {
      const { spec, headers } = base(params);
      const reason = z
        .enum(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded'])
        .default('rateLimitExceeded')
        .parse(params['reason']);
      const body =
        reason === 'rateLimitExceeded'
          ? faultBodies.rateLimitExceeded(403)
          : reason === 'userRateLimitExceeded'
            ? faultBodies.userRateLimitExceeded()
            : faultBodies.quotaExceeded();
      return { ...spec, response: { status: 403, headers, body } };
    },
    server_error: (params) => {
      const { spec, headers } = base(params);
      const status = z.number().int().min(500).max(599).default(503).parse(params['status']);
      return { ...spec, response: { status, headers, body: faultBodies.backendError(status) } };
    },
    slow: (params) => {
      const { spec } = base(params);
      return { ...spec, delayMs: z.number().int().positive().parse(params['delayMs']) };
    },
    sync_token_410: (params) => {
      const { spec } = base(params);
      return {
        ...spec,
        queryHas: 'syncToken',
        response: { status: 410, headers: {}, body: apiErrors.fullSyncRequired().body() },
      };
    },
    sync_tokens_expired: () => {
      store.expireSyncTokens();
      return null;
    },
    revoked_grant: (params) => {
      grants.revokeAll(z.string().optional().parse(params['email']));
      return null;
    },
  };
}

export function mountGoogleControl(
  app: Hono<GoogleEnv>,
  store: GoogleStore,
  grants: OAuthGrants,
  channels: PushChannels,
): void {
  app.post('/__control/google/tokens', async (c) => {
    const body = z
      .object({
        email: z.string(),
        scope: z.string().default(DEFAULT_SCOPE),
        clientId: z.string().default('tandem-emulator-client'),
      })
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: z.prettifyError(body.error) }, 400);
    if (!store.accounts.has(body.data.email.toLowerCase()))
      return c.json({ error: `unknown account ${body.data.email}` }, 404);
    return c.json(grants.mint(body.data.email, body.data.scope, body.data.clientId));
  });

  app.post('/__control/google/access-token-ttl', async (c) => {
    const body = z
      .object({ seconds: z.number().int().positive() })
      .safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: z.prettifyError(body.error) }, 400);
    grants.accessTokenTtlSeconds = body.data.seconds;
    return c.json({ ok: true });
  });

  app.get('/__control/google/accounts', (c) =>
    c.json({
      accounts: [...store.accounts.values()].map((account) => ({
        email: account.email,
        name: account.name,
        timeZone: account.timeZone,
        calendars: account.calendars.map((calendar) => ({
          id: calendar.id,
          summary: calendar.summary,
          primary: calendar.primary,
          events: calendar.events.size,
        })),
      })),
    }),
  );

  app.get('/__control/google/outbox', (c) => c.json({ messages: store.outbox }));
  app.delete('/__control/google/outbox', (c) => {
    store.outbox = [];
    return c.json({ ok: true });
  });

  app.get('/__control/google/channels', (c) =>
    c.json({ channels: channels.list(), deliveries: channels.deliveries }),
  );
  app.post('/__control/google/channels/idle', async (c) => {
    await channels.idle();
    return c.json({ ok: true });
  });
}
