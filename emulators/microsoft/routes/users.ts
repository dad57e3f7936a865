import type { Hono } from 'hono';
import type { EmulatorEnv } from '../app-env';
import { MAILBOX_PREFIXES } from './mailbox-paths';

/** GET /me and /users/{id}: the profile fields the app reads after sign-in. */
export function registerUserRoutes(app: Hono<EmulatorEnv>): void {
  for (const prefix of MAILBOX_PREFIXES) {
    app.get(prefix, (c) => {
      const account = c.get('mailbox');
      return c.json({
        '@odata.context': `${c.get('origin')}/v1.0/$metadata#users/$entity`,
        id: account.id,
        displayName: account.displayName,
        mail: account.email,
        userPrincipalName: account.email,
        preferredLanguage: 'en-GB',
      });
    });
  }
}
