/**
 * Every Calendar API call needs a valid OAuth access token (`Authorization: Bearer …`, or the
 * `access_token` query parameter Google also accepts): without one 401 UNAUTHENTICATED, with a
 * token lacking the scope 403 insufficientPermissions, as Google answers.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { apiErrors } from './api-errors';
import type { OAuthGrants } from './oauth-grants';
import type { GoogleStore } from './store';
import type { Account } from './types';

export interface GoogleEnv {
  Variables: { account: Account; scopes: string[] };
}

const AUTH = 'https://www.googleapis.com/auth/';

export const SCOPES = {
  listCalendars: ['calendar', 'calendar.readonly', 'calendar.calendarlist', 'calendar.calendarlist.readonly'],
  readEvents: [
    'calendar',
    'calendar.readonly',
    'calendar.events',
    'calendar.events.readonly',
    'calendar.events.owned',
    'calendar.events.owned.readonly',
  ],
  writeEvents: ['calendar', 'calendar.events', 'calendar.events.owned'],
  freeBusy: [
    'calendar',
    'calendar.readonly',
    'calendar.events',
    'calendar.events.readonly',
    'calendar.freebusy',
    'calendar.events.freebusy',
  ],
} as const;

export function requireAccessToken(store: GoogleStore, grants: OAuthGrants): MiddlewareHandler<GoogleEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : c.req.query('access_token');
    if (!header && !token) throw apiErrors.missingCredentials();
    const who = token ? grants.authenticate(token) : null;
    const account = who ? store.accounts.get(who.email) : undefined;
    if (!who || !account) throw apiErrors.invalidCredentials();
    c.set('account', account);
    c.set('scopes', who.scopes);
    await next();
  };
}

export function requireScope(c: Context<GoogleEnv>, allowed: readonly string[]): void {
  const scopes = c.get('scopes');
  if (!allowed.some((scope) => scopes.includes(`${AUTH}${scope}`))) throw apiErrors.insufficientScopes();
}
