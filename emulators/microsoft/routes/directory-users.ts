import type { Hono } from 'hono';
import type { EmulatorEnv } from '../app-env';
import { requireDirectoryRead } from '../directory';
import { badRequest } from '../graph-errors';

/**
 * GET /v1.0/users: the directory of the caller's tenant, 100 a page unless `$top` (1–999) asks
 * otherwise, continued through `@odata.nextLink` with an opaque `$skiptoken`; `mail` is null for
 * users without a mailbox (https://learn.microsoft.com/en-us/graph/api/user-list,
 * https://learn.microsoft.com/en-us/graph/paging).
 */

const FIELDS = ['id', 'displayName', 'mail', 'userPrincipalName', 'accountEnabled'] as const;

export function registerDirectoryRoutes(app: Hono<EmulatorEnv>): void {
  app.get('/v1.0/users', (c) => {
    const principal = c.get('principal');
    requireDirectoryRead(principal);
    const store = c.get('store');
    const tenantId =
      principal.kind === 'app' ? principal.tenantId : store.accounts.get(principal.accountId)?.tenantId;
    const top = Number(c.req.query('$top') ?? 100);
    if (!Number.isInteger(top) || top < 1 || top > 999)
      throw badRequest(
        'Request_UnsupportedQuery',
        `Invalid page size specified: '${c.req.query('$top')}'. Must be between 1 and 999 inclusive.`,
      );
    const skipToken = c.req.query('$skiptoken');
    const offset = skipToken ? Number(Buffer.from(skipToken, 'base64url').toString().replace(/^o:/, '')) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      throw badRequest('Request_BadRequest', 'Invalid skip token.');
    const select = (c.req.query('$select') ?? '').split(',').filter(Boolean);
    const fields = select.length > 0 ? FIELDS.filter((f) => select.includes(f)) : FIELDS;
    const all = [...store.accounts.values()]
      .filter((a) => a.kind === 'work' && a.tenantId === tenantId)
      .sort((a, b) => a.id.localeCompare(b.id));
    const page = all.slice(offset, offset + top).map((a) => {
      const full: Record<(typeof FIELDS)[number], unknown> = {
        id: a.id,
        displayName: a.displayName,
        mail: a.hasMailbox === false ? null : a.email,
        userPrincipalName: a.email,
        accountEnabled: a.accountEnabled ?? true,
      };
      return Object.fromEntries(fields.map((f) => [f, full[f]]));
    });
    const origin = c.get('origin');
    const next = offset + top < all.length ? offset + top : null;
    // Graph writes the `$` of query options as is: `…/users?$top=5&$skiptoken=…`.
    const query = Object.entries({
      ...c.req.query(),
      ...(next !== null ? { $skiptoken: Buffer.from(`o:${next}`).toString('base64url') } : {}),
    }).map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
    const nextLink = `${origin}/v1.0/users?${query.join('&')}`;
    return c.json({
      '@odata.context': `${origin}/v1.0/$metadata#users`,
      ...(next !== null ? { '@odata.nextLink': nextLink } : {}),
      value: page,
    });
  });
}
