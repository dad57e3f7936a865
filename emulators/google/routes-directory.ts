/**
 * Admin SDK Directory API `users.list` (admin.googleapis.com, here on the emulator's one host) and
 * the control routes that play the Google Cloud console and the Workspace Admin console:
 *   GET  /admin/directory/v1/users?customer=my_customer|domain=…&maxResults&pageToken
 *   POST /__control/google/workspace     {domain, users[], generate?, serviceAccount?} (workspace.ts)
 *   POST /__control/google/delegation    {domain, clientId, scopes[]} domain-wide delegation
 * users.list: https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list —
 * maxResults 1–500 (default 100), `nextPageToken`, the caller must be an administrator
 * (403 "Not Authorized to access this resource/api"), scope admin.directory.user(.readonly).
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { apiErrors } from './api-errors';
import { requireScope, type GoogleEnv } from './api-auth';
import {
  delegationSchema,
  domainOf,
  workspaceSchema,
  type DirectoryUser,
  type Workspaces,
} from './workspace';

const listQuery = z.object({
  customer: z.string().optional(),
  domain: z.string().optional(),
  maxResults: z.coerce.number().int().min(1).max(500).default(100),
  pageToken: z.string().optional(),
});

function userResource(user: DirectoryUser, customerId: string) {
  const [givenName = user.name, ...rest] = user.name.split(' ');
  return {
    kind: 'admin#directory#user',
    id: Buffer.from(user.email).toString('hex').slice(0, 21),
    primaryEmail: user.email,
    name: { givenName, familyName: rest.join(' '), fullName: user.name },
    isAdmin: user.isAdmin,
    suspended: user.suspended,
    isMailboxSetup: user.hasMailbox,
    customerId,
    orgUnitPath: '/',
    emails: [{ address: user.email, primary: true }, ...user.aliases.map((address) => ({ address }))],
  };
}

export function mountDirectoryRoutes(app: Hono<GoogleEnv>, workspaces: Workspaces): void {
  app.get('/admin/directory/v1/users', (c) => {
    requireScope(c, ['admin.directory.user.readonly', 'admin.directory.user']);
    const caller = workspaces.findUser(c.get('account').email);
    if (!caller?.user.isAdmin) throw apiErrors.forbidden('Not Authorized to access this resource/api');
    const query = listQuery.safeParse(c.req.query());
    if (!query.success) throw apiErrors.badRequest('Invalid Input', 'maxResults');
    const { customer, domain, maxResults, pageToken } = query.data;
    const own = caller.workspace;
    if (customer === undefined && domain === undefined) throw apiErrors.badRequest('Bad Request');
    if (customer !== undefined && customer !== 'my_customer' && customer !== own.customerId)
      throw apiErrors.forbidden('Not Authorized to access this resource/api');
    if (domain !== undefined && domain.toLowerCase() !== own.domain)
      throw apiErrors.forbidden('Not Authorized to access this resource/api');
    const offset = pageToken ? readOffset(pageToken) : 0;
    const all = [...own.users.values()].sort((a, b) => a.email.localeCompare(b.email));
    const page = all.slice(offset, offset + maxResults);
    const next = offset + maxResults < all.length ? offset + maxResults : null;
    return c.json({
      kind: 'admin#directory#users',
      etag: `"${own.customerId}/${all.length}"`,
      users: page.map((user) => userResource(user, own.customerId)),
      ...(next !== null ? { nextPageToken: Buffer.from(`o:${next}`).toString('base64url') } : {}),
    });
  });

  app.post('/__control/google/workspace', async (c) => {
    const body = workspaceSchema.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: z.prettifyError(body.error) }, 400);
    try {
      return c.json(workspaces.addWorkspace(body.data), 201);
    } catch (error) {
      return c.json({ error: error instanceof Error ? error.message : String(error) }, 400);
    }
  });

  app.post('/__control/google/delegation', async (c) => {
    const body = delegationSchema.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: z.prettifyError(body.error) }, 400);
    if (!workspaces.domains.has(domainOf(`x@${body.data.domain}`)))
      return c.json({ error: `no Workspace domain ${body.data.domain}` }, 404);
    workspaces.delegate(body.data);
    return c.json({ ok: true });
  });
}

function readOffset(token: string): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw apiErrors.badRequest('Invalid page token', 'pageToken');
  return Number(match[1]);
}
