import { createHash, randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { EmulatorEnv } from '../app-env';
import { consentedRoles } from '../directory';
import { expiredCode, OAuthError, revokedGrant } from '../oauth-errors';
import type { ClientApp, MicrosoftStore } from '../store';
import type { AccountRecord } from '../store-types';
import { consentPage, errorPage } from './consent-page';

/**
 * Microsoft identity platform v2.0: /{tenant}/oauth2/v2.0/authorize (consent page, code with
 * PKCE) and /{tenant}/oauth2/v2.0/token (authorization_code, refresh_token, client_credentials).
 */

const GRAPH = 'https://graph.microsoft.com/';
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

function accountsForTenant(store: MicrosoftStore, tenant: string): AccountRecord[] | null {
  const all = [...store.accounts.values()];
  if (tenant === 'common') return all;
  if (tenant === 'organizations') return all.filter((a) => a.kind === 'work');
  if (tenant === 'consumers') return all.filter((a) => a.kind === 'personal');
  const matching = all.filter(
    (a) => a.tenantId === tenant || a.email.toLowerCase().endsWith(`@${tenant.toLowerCase()}`),
  );
  return matching.length > 0 ? matching : null;
}

function redirectAllowed(client: ClientApp, redirectUri: string): boolean {
  if (client.redirectUris.length > 0) return client.redirectUris.includes(redirectUri);
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(redirectUri).hostname);
  } catch {
    return false;
  }
}

/** `Calendars.ReadWrite` → `https://graph.microsoft.com/Calendars.ReadWrite`, as the token response spells it. */
function grantedScope(scope: string): string {
  return scope
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => (OIDC_SCOPES.has(s) || s.startsWith('https://') ? s : `${GRAPH}${s}`))
    .join(' ');
}

async function authorizeParams(c: Context<EmulatorEnv>): Promise<Record<string, string>> {
  if (c.req.method === 'GET') return c.req.query();
  const form = await c.req.parseBody();
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
}

function redirectWith(redirectUri: string, params: Record<string, string>) {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

async function authorize(c: Context<EmulatorEnv>) {
  const store = c.get('store');
  const tenant = c.req.param('tenant') ?? 'common';
  const params = await authorizeParams(c);
  const client = store.clients.get(params.client_id ?? '');
  if (!client)
    return c.html(
      errorPage(
        `AADSTS700016: Application with identifier '${params.client_id ?? ''}' was not found in the directory.`,
      ),
      400,
    );
  const redirectUri = params.redirect_uri ?? '';
  if (!redirectAllowed(client, redirectUri)) {
    return c.html(
      errorPage(
        `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application.`,
      ),
      400,
    );
  }
  const state: Record<string, string> = params.state ? { state: params.state } : {};
  if (params.response_type !== 'code') {
    return c.redirect(
      redirectWith(redirectUri, {
        error: 'unsupported_response_type',
        error_description: 'AADSTS700054: response_type is not supported.',
        ...state,
      }),
      302,
    );
  }
  if (
    params.code_challenge &&
    (params.code_challenge_method ?? 'plain') !== 'S256' &&
    params.code_challenge_method !== 'plain'
  ) {
    return c.redirect(
      redirectWith(redirectUri, {
        error: 'invalid_request',
        error_description: 'AADSTS501491: Invalid code_challenge_method.',
        ...state,
      }),
      302,
    );
  }
  const accounts = accountsForTenant(store, tenant);
  if (!accounts) return c.html(errorPage(`AADSTS90002: Tenant '${tenant}' not found.`), 400);
  const scope = params.scope ?? '';

  if (c.req.method === 'GET') {
    const { account: _account, deny: _deny, ...forward } = params;
    return c.html(
      consentPage({
        action: new URL(c.req.url).pathname,
        params: forward,
        accounts,
        scope,
        clientId: client.clientId,
      }),
    );
  }
  if (params.deny) {
    return c.redirect(
      redirectWith(redirectUri, {
        error: 'access_denied',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        ...state,
      }),
      302,
    );
  }
  const account = accounts.find((a) => a.email.toLowerCase() === (params.account ?? '').toLowerCase());
  if (!account)
    return c.html(errorPage('AADSTS50034: The user account does not exist in this directory.'), 400);
  const code = randomBytes(32).toString('base64url');
  store.codes.set(code, {
    code,
    clientId: client.clientId,
    accountId: account.id,
    redirectUri,
    scope,
    codeChallenge: params.code_challenge ?? null,
    codeChallengeMethod: params.code_challenge ? (params.code_challenge_method ?? 'plain') : null,
    expiresAt: Date.now() + 10 * 60_000,
  });
  return c.redirect(
    redirectWith(redirectUri, { code, ...state, session_state: randomBytes(8).toString('hex') }),
    302,
  );
}

function authenticateClient(
  c: Context<EmulatorEnv>,
  store: MicrosoftStore,
  form: Record<string, string>,
): ClientApp {
  let clientId = form.client_id;
  let secret = form.client_secret;
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
  if (basic?.[1]) {
    const [id, pass] = Buffer.from(basic[1], 'base64').toString().split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(pass ?? '');
  }
  const client = store.clients.get(clientId ?? '');
  if (!client)
    throw new OAuthError(
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId ?? ''}' was not found in the directory.`,
      400,
    );
  if (!secret)
    throw new OAuthError(
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      401,
    );
  if (secret !== client.clientSecret)
    throw new OAuthError(
      'invalid_client',
      7000215,
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      401,
    );
  return client;
}

function delegatedTokens(
  store: MicrosoftStore,
  clientId: string,
  accountId: string,
  scope: string,
  refreshToken: string | null,
) {
  const access = store.issueAccessToken(
    { kind: 'delegated', accountId, scope, clientId },
    store.accessTokenLifetimeSeconds,
  );
  const offline = scope.split(/\s+/).includes('offline_access');
  let refresh: string | null = null;
  if (offline) {
    refresh = refreshToken ?? `0.A${randomBytes(48).toString('base64url')}`;
    store.grants.set(refresh, { refreshToken: refresh, clientId, accountId, scope, revoked: false });
  }
  return {
    token_type: 'Bearer',
    scope: grantedScope(scope),
    expires_in: store.accessTokenLifetimeSeconds,
    ext_expires_in: store.accessTokenLifetimeSeconds,
    access_token: access.token,
    ...(refresh ? { refresh_token: refresh } : {}),
  };
}

function exchange(
  c: Context<EmulatorEnv>,
  store: MicrosoftStore,
  form: Record<string, string>,
): Record<string, unknown> {
  const tenant = c.req.param('tenant') ?? 'common';
  const client = authenticateClient(c, store, form);
  switch (form.grant_type) {
    case 'authorization_code': {
      const code = store.codes.get(form.code ?? '');
      store.codes.delete(form.code ?? '');
      if (!code || code.expiresAt < Date.now() || code.clientId !== client.clientId) throw expiredCode();
      if (code.redirectUri !== form.redirect_uri)
        throw new OAuthError(
          'invalid_grant',
          500117,
          'The reply uri specified in the request does not match the reply uri used in the authorization request.',
        );
      if (code.codeChallenge) {
        if (!form.code_verifier)
          throw new OAuthError(
            'invalid_request',
            50148,
            'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
          );
        const computed =
          code.codeChallengeMethod === 'S256'
            ? createHash('sha256').update(form.code_verifier).digest('base64url')
            : form.code_verifier;
        if (computed !== code.codeChallenge)
          throw new OAuthError(
            'invalid_grant',
            501481,
            'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
          );
      }
      return delegatedTokens(store, client.clientId, code.accountId, code.scope, null);
    }
    case 'refresh_token': {
      const grant = store.grants.get(form.refresh_token ?? '');
      if (!grant)
        throw new OAuthError('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (grant.revoked) throw revokedGrant();
      if (grant.clientId !== client.clientId)
        throw new OAuthError('invalid_grant', 70000, 'Provided grant is invalid or malformed.');
      // The identity platform issues a new refresh token each time; the old one stays usable.
      return delegatedTokens(store, client.clientId, grant.accountId, form.scope || grant.scope, null);
    }
    case 'client_credentials': {
      const scope = form.scope ?? '';
      if (!scope.endsWith('/.default'))
        throw new OAuthError(
          'invalid_scope',
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      const tenantAccounts = ['common', 'organizations', 'consumers'].includes(tenant)
        ? null
        : accountsForTenant(store, tenant);
      const tenantId = tenantAccounts?.find((a) => a.kind === 'work')?.tenantId;
      if (!tenantId)
        throw new OAuthError(
          'invalid_request',
          90002,
          `Tenant '${tenant}' not found. Use a tenant id or domain for the client credentials flow.`,
        );
      // No service principal in the tenant until an admin consents (directory.ts).
      const roles = consentedRoles(store, tenantId, client.clientId);
      if (!roles)
        throw new OAuthError(
          'unauthorized_client',
          700016,
          `Application with identifier '${client.clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        );
      const access = store.issueAccessToken(
        { kind: 'app', tenantId, clientId: client.clientId, roles },
        store.accessTokenLifetimeSeconds,
      );
      return {
        token_type: 'Bearer',
        expires_in: store.accessTokenLifetimeSeconds,
        ext_expires_in: store.accessTokenLifetimeSeconds,
        access_token: access.token,
      };
    }
    default:
      throw new OAuthError(
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`,
      );
  }
}

export function registerOAuthRoutes(app: Hono<EmulatorEnv>): void {
  app.get('/:tenant/oauth2/v2.0/authorize', authorize);
  app.post('/:tenant/oauth2/v2.0/authorize', authorize);
  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const store = c.get('store');
    const raw = await c.req.parseBody();
    const form = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
    try {
      return c.json(exchange(c, store, form), 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return c.json(error.body(), error.status as 400 | 401);
    }
  });
}
