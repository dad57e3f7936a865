import type { Context, Hono } from 'hono';
import type { EmulatorEnv } from '../app-env';
import { grantConsent, requestedPermissions } from '../directory';
import type { AccountRecord } from '../store-types';
import { errorPage } from './consent-page';

/**
 * The admin consent endpoint (v1 `/{tenant}/adminconsent` and v2 `/{tenant}/v2.0/adminconsent`):
 * a tenant admin grants the app's application permissions for the whole tenant; the browser then
 * goes to `redirect_uri?admin_consent=True&tenant={id}&state=…`, or `error=access_denied` when
 * declined (https://learn.microsoft.com/en-us/entra/identity-platform/v2-admin-consent).
 */

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

function tenantAccounts(c: Context<EmulatorEnv>, tenant: string): AccountRecord[] {
  const wanted = tenant.toLowerCase();
  return [...c.get('store').accounts.values()].filter(
    (a) => a.kind === 'work' && (a.tenantId === tenant || a.email.toLowerCase().endsWith(`@${wanted}`)),
  );
}

function redirectAllowed(uris: string[], redirectUri: string): boolean {
  if (uris.length > 0) return uris.includes(redirectUri);
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(redirectUri).hostname);
  } catch {
    return false;
  }
}

function back(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

function page(
  action: string,
  params: Record<string, string>,
  admins: AccountRecord[],
  permissions: string[],
) {
  const hidden = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('');
  const buttons = admins
    .map(
      (a) =>
        `<li><button type="submit" name="account" value="${escape(a.email)}">Accept as ${escape(a.displayName)} (${escape(a.email)})</button></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Permissions requested (Microsoft emulator)</title></head>
<body><main><h1>Permissions requested</h1>
<p>The app <strong>${escape(params.client_id ?? '')}</strong> asks for these application permissions for your whole organisation:</p>
<ul>${permissions.map((p) => `<li>${escape(p)}</li>`).join('')}</ul>
<form method="post" action="${escape(action)}">${hidden}
<fieldset><legend>Consent on behalf of your organisation</legend><ul>${buttons}</ul></fieldset>
<button type="submit" name="deny" value="1">Cancel</button></form></main></body></html>`;
}

async function adminConsent(c: Context<EmulatorEnv>) {
  const store = c.get('store');
  const tenant = c.req.param('tenant') ?? '';
  const params =
    c.req.method === 'GET'
      ? c.req.query()
      : Object.fromEntries(
          Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
        );
  const client = store.clients.get(params.client_id ?? '');
  if (!client)
    return c.html(
      errorPage(
        `AADSTS700016: Application with identifier '${params.client_id ?? ''}' was not found in the directory.`,
      ),
      400,
    );
  const redirectUri = params.redirect_uri ?? '';
  if (!redirectAllowed(client.redirectUris, redirectUri))
    return c.html(errorPage(`AADSTS50011: The redirect URI '${redirectUri}' does not match the app.`), 400);
  const accounts = tenantAccounts(c, tenant);
  if (accounts.length === 0) return c.html(errorPage(`AADSTS90002: Tenant '${tenant}' not found.`), 400);
  const state: Record<string, string> = params.state ? { state: params.state } : {};
  const admins = accounts.filter((a) => a.isAdmin);
  if (c.req.method === 'GET') {
    const { account: _a, deny: _d, ...forward } = params;
    return c.html(page(new URL(c.req.url).pathname, forward, admins, requestedPermissions(client)));
  }
  if (params.deny)
    return c.redirect(
      back(redirectUri, {
        error: 'access_denied',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        ...state,
      }),
      302,
    );
  const admin = admins.find((a) => a.email.toLowerCase() === (params.account ?? '').toLowerCase());
  if (!admin)
    return c.html(errorPage('AADSTS90094: Admin consent is required: sign in as an administrator.'), 403);
  grantConsent(store, admin.tenantId, client);
  return c.redirect(back(redirectUri, { admin_consent: 'True', tenant: admin.tenantId, ...state }), 302);
}

export function registerAdminConsentRoutes(app: Hono<EmulatorEnv>): void {
  for (const path of ['/:tenant/adminconsent', '/:tenant/v2.0/adminconsent']) {
    app.get(path, adminConsent);
    app.post(path, adminConsent);
  }
}
