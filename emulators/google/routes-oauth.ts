/**
 * Google OAuth endpoints on the emulator's one host:
 *   GET  /o/oauth2/v2/auth            (accounts.google.com) consent page; validates the request
 *   POST /o/oauth2/v2/auth/decision   the page's form: redirects to redirect_uri with code + state
 *   POST /token                       (oauth2.googleapis.com) authorization_code with PKCE, refresh_token,
 *                                     the JWT bearer grant of service accounts (./workspace.ts)
 *   POST /revoke                      (oauth2.googleapis.com) revokes the grant behind a token
 *   GET  /oauth2/v2/userinfo, /oauth2/v3/userinfo   who the token belongs to
 */
import type { Context, Hono } from 'hono';
import type { GoogleEnv } from './api-auth';
import { z } from 'zod';
import { renderConsentPage, renderErrorPage } from './consent-page';
import { OAuthError, type OAuthGrants } from './oauth-grants';
import { randomId, type GoogleStore } from './store';
import { JWT_BEARER_GRANT, type Workspaces } from './workspace';

const authQuery = z.object({
  client_id: z.string().min(1, 'Missing required parameter: client_id'),
  redirect_uri: z.string().url('Missing required parameter: redirect_uri'),
  response_type: z.literal('code', 'Unsupported response_type (only "code")'),
  scope: z.string().min(1, 'Missing required parameter: scope'),
  state: z.string().optional(),
  code_challenge: z.string().min(43).max(128).optional(),
  code_challenge_method: z.enum(['S256', 'plain']).optional(),
  access_type: z.enum(['online', 'offline']).optional(),
  prompt: z.string().optional(),
  login_hint: z.string().optional(),
  include_granted_scopes: z.string().optional(),
});

type AuthRequest = z.infer<typeof authQuery>;

export function mountOAuthRoutes(
  app: Hono<GoogleEnv>,
  store: GoogleStore,
  grants: OAuthGrants,
  workspaces: Workspaces,
): void {
  const pending = new Map<string, AuthRequest>();

  app.get('/o/oauth2/v2/auth', (c) => {
    const parsed = authQuery.safeParse(c.req.query());
    if (!parsed.success) {
      return c.html(
        renderErrorPage('Error 400: invalid_request', parsed.error.issues[0]?.message ?? 'Invalid request'),
        400,
      );
    }
    const requestId = randomId(16);
    pending.set(requestId, parsed.data);
    const accounts = [...store.accounts.values()].map((account) => ({
      email: account.email,
      name: account.name,
    }));
    return c.html(
      renderConsentPage({
        requestId,
        clientId: parsed.data.client_id,
        scopes: parsed.data.scope.split(/\s+/),
        accounts,
        loginHint: parsed.data.login_hint?.toLowerCase(),
      }),
    );
  });

  app.post('/o/oauth2/v2/auth/decision', async (c) => {
    const form = await c.req.parseBody();
    const request = pending.get(String(form['request'] ?? ''));
    if (!request)
      return c.html(renderErrorPage('Error 400: invalid_request', 'This sign-in request has expired.'), 400);
    pending.delete(String(form['request']));
    const target = new URL(request.redirect_uri);
    if (request.state !== undefined) target.searchParams.set('state', request.state);
    const email = String(form['account'] ?? '').toLowerCase();
    if (form['decision'] === 'deny' || !store.accounts.has(email)) {
      target.searchParams.set('error', 'access_denied');
      return c.redirect(target.toString(), 302);
    }
    const code = grants.issueCode({
      email,
      clientId: request.client_id,
      redirectUri: request.redirect_uri,
      scope: request.scope,
      codeChallenge: request.code_challenge,
      codeChallengeMethod: request.code_challenge ? (request.code_challenge_method ?? 'plain') : undefined,
      offline: request.access_type === 'offline',
    });
    target.searchParams.set('code', code);
    target.searchParams.set('scope', request.scope);
    return c.redirect(target.toString(), 302);
  });

  app.post('/token', async (c) => {
    const form = await readForm(c);
    const { clientId } = clientCredentials(c, form);
    try {
      // A service account authenticates by its signed assertion, not by client_id.
      if (form['grant_type'] === JWT_BEARER_GRANT) {
        if (!form['assertion'])
          throw new OAuthError('invalid_request', 'Missing required parameter: assertion');
        const delegated = workspaces.verifyAssertion(
          form['assertion'],
          Math.floor(store.clock.nowMs() / 1000),
        );
        return c.json(grants.issueDelegated(delegated.email, delegated.scope, delegated.clientId));
      }
      if (!clientId) throw new OAuthError('invalid_request', 'Could not determine client ID from request.');
      switch (form['grant_type']) {
        case 'authorization_code': {
          if (!form['code']) throw new OAuthError('invalid_request', 'Missing required parameter: code');
          return c.json(
            grants.exchangeCode({
              code: form['code'],
              clientId,
              redirectUri: form['redirect_uri'],
              codeVerifier: form['code_verifier'],
            }),
          );
        }
        case 'refresh_token': {
          if (!form['refresh_token'])
            throw new OAuthError('invalid_request', 'Missing required parameter: refresh_token');
          return c.json(grants.refresh(form['refresh_token'], clientId));
        }
        case undefined:
          throw new OAuthError('unsupported_grant_type', 'Invalid grant_type: ');
        default:
          throw new OAuthError('unsupported_grant_type', `Invalid grant_type: ${form['grant_type']}`);
      }
    } catch (error) {
      if (error instanceof OAuthError) return c.json(error.body(), error.status as 400);
      throw error;
    }
  });

  app.post('/revoke', async (c) => {
    const form = await readForm(c);
    const token = c.req.query('token') ?? form['token'];
    if (!token || !grants.revoke(token))
      return c.json({ error: 'invalid_token', error_description: 'Token expired or revoked' }, 400);
    return c.json({});
  });

  const userinfo = (c: Context<GoogleEnv>) => {
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const who = token ? grants.authenticate(token) : null;
    if (!who) return c.json({ error: 'invalid_request', error_description: 'Invalid Credentials' }, 401);
    const account = store.accounts.get(who.email);
    return c.json({
      id: who.email,
      sub: who.email,
      email: who.email,
      verified_email: true,
      email_verified: true,
      name: account?.name,
    });
  };
  app.get('/oauth2/v2/userinfo', userinfo);
  app.get('/oauth2/v3/userinfo', userinfo);
}

/** The token endpoint takes form-encoded bodies (and JSON, which Google also accepts). */
async function readForm(c: Context<GoogleEnv>): Promise<Record<string, string | undefined>> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    const json: unknown = await c.req.json().catch(() => ({}));
    return Object.fromEntries(
      Object.entries(json as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
    );
  }
  if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    const body = await c.req.parseBody();
    return Object.fromEntries(
      Object.entries(body).map(([key, value]) => [key, typeof value === 'string' ? value : undefined]),
    );
  }
  return {};
}

/** client_id from the body (client_secret_post) or from HTTP Basic (client_secret_basic). */
function clientCredentials(
  c: Context<GoogleEnv>,
  form: Record<string, string | undefined>,
): { clientId: string | undefined } {
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (basic) {
    const [id] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    if (id) return { clientId: decodeURIComponent(id) };
  }
  return { clientId: form['client_id'] };
}
