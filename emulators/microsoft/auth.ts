import type { Context, MiddlewareHandler } from 'hono';
import type { EmulatorEnv } from './app-env';
import { GraphHttpError } from './graph-errors';

/**
 * Every Graph call carries `Authorization: Bearer <token>` issued by the token endpoint;
 * anything else is 401 InvalidAuthenticationToken, with the WWW-Authenticate header Graph sends.
 */

const WWW_AUTHENTICATE = {
  'WWW-Authenticate':
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
};

function unauthorized(message: string): GraphHttpError {
  return new GraphHttpError(401, 'InvalidAuthenticationToken', message, WWW_AUTHENTICATE);
}

export const requireAccessToken: MiddlewareHandler<EmulatorEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Access token is empty.');
  const token = c.get('store').accessTokens.get(match[1].trim());
  if (!token) throw unauthorized('IDX14100: JWT is not well formed, there are no dots (.).');
  if (token.revoked) throw unauthorized('Access token has been revoked.');
  if (token.expiresAt <= Date.now()) throw unauthorized('Lifetime validation failed, the token is expired.');
  c.set('principal', token.principal);
  await next();
};

/** Resolves `/me` or `/users/{id | userPrincipalName}` to the mailbox the request works on. */
export function resolveMailbox(c: Context<EmulatorEnv>, userId: string | undefined): void {
  const store = c.get('store');
  const principal = c.get('principal');
  if (userId === undefined) {
    if (principal.kind !== 'delegated') {
      throw new GraphHttpError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    }
    const me = store.accounts.get(principal.accountId);
    if (!me)
      throw new GraphHttpError(
        401,
        'InvalidAuthenticationToken',
        'The user of this token no longer exists.',
        WWW_AUTHENTICATE,
      );
    c.set('mailbox', me);
    return;
  }
  const account = store.accountByIdOrEmail(decodeURIComponent(userId));
  const visible =
    account &&
    (principal.kind === 'app' ? account.tenantId === principal.tenantId : account.id === principal.accountId);
  if (!account || (principal.kind === 'app' && !visible)) {
    throw new GraphHttpError(
      404,
      'ErrorInvalidUser',
      `The requested user '${decodeURIComponent(userId)}' is invalid.`,
    );
  }
  // Delegated tokens reach other mailboxes only through sharing, which the emulator does not model.
  if (!visible)
    throw new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  c.set('mailbox', account);
}
