/**
 * Google OAuth 2.0 state: authorization codes (single use, PKCE-bound, 10 minutes), grants with
 * their refresh token, and short-lived access tokens. Revoking any token of a grant revokes the
 * grant: its refresh token then answers `invalid_grant` and its access tokens 401.
 * Token bodies and errors follow Google's token endpoint.
 */
import { createHash } from 'node:crypto';
import type { EmulatorClock } from '../shared/clock';
import { randomId } from './store';

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: 'Bearer';
}

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }

  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

interface Grant {
  id: string;
  email: string;
  clientId: string;
  scope: string;
  refreshToken: string | null;
  revoked: boolean;
}

interface AuthCode {
  email: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain' | undefined;
  offline: boolean;
  expiresAtMs: number;
  used: boolean;
}

export class OAuthGrants {
  private codes = new Map<string, AuthCode>();
  private grants = new Map<string, Grant>();
  private refreshTokens = new Map<string, string>();
  private accessTokens = new Map<string, { grantId: string; expiresAtMs: number }>();

  constructor(
    private readonly clock: EmulatorClock,
    /** Google issues access tokens for one hour (expires_in 3599). */
    public accessTokenTtlSeconds = 3599,
  ) {}

  clear(): void {
    this.codes.clear();
    this.grants.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  issueCode(input: Omit<AuthCode, 'expiresAtMs' | 'used'>): string {
    const code = `4/0${randomId(32)}`;
    this.codes.set(code, { ...input, expiresAtMs: this.clock.nowMs() + 10 * 60_000, used: false });
    return code;
  }

  exchangeCode(params: {
    code: string;
    clientId: string;
    redirectUri: string | undefined;
    codeVerifier: string | undefined;
  }): TokenResponse {
    const code = this.codes.get(params.code);
    if (!code || code.used || code.expiresAtMs < this.clock.nowMs() || code.clientId !== params.clientId) {
      throw new OAuthError('invalid_grant', 'Malformed auth code.');
    }
    if (code.redirectUri !== params.redirectUri) throw new OAuthError('redirect_uri_mismatch', 'Bad Request');
    if (code.codeChallenge) {
      if (!params.codeVerifier) throw new OAuthError('invalid_grant', 'Missing code verifier.');
      const expected =
        code.codeChallengeMethod === 'S256'
          ? createHash('sha256').update(params.codeVerifier).digest('base64url')
          : params.codeVerifier;
      if (expected !== code.codeChallenge) throw new OAuthError('invalid_grant', 'Invalid code verifier.');
    }
    code.used = true;
    const grant: Grant = {
      id: randomId(12),
      email: code.email,
      clientId: code.clientId,
      scope: code.scope,
      refreshToken: code.offline ? `1//0${randomId(48)}` : null,
      revoked: false,
    };
    this.grants.set(grant.id, grant);
    if (grant.refreshToken) this.refreshTokens.set(grant.refreshToken, grant.id);
    return {
      ...this.issueAccessToken(grant),
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
    };
  }

  refresh(refreshToken: string, clientId: string | undefined): TokenResponse {
    const grant = this.grants.get(this.refreshTokens.get(refreshToken) ?? '');
    if (!grant || grant.revoked) throw new OAuthError('invalid_grant', 'Token has been expired or revoked.');
    if (clientId && clientId !== grant.clientId) throw new OAuthError('unauthorized_client', 'Unauthorized');
    return this.issueAccessToken(grant);
  }

  /** Revokes the grant behind an access or refresh token; false when the token is unknown. */
  revoke(token: string): boolean {
    const grantId = this.refreshTokens.get(token) ?? this.accessTokens.get(token)?.grantId;
    const grant = grantId ? this.grants.get(grantId) : undefined;
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  /** Revokes every grant (of one account when `email` is given): the control API's "revoked grant". */
  revokeAll(email?: string): number {
    let count = 0;
    for (const grant of this.grants.values()) {
      if (!grant.revoked && (!email || grant.email === email.toLowerCase())) {
        grant.revoked = true;
        count += 1;
      }
    }
    return count;
  }

  /** Who an access token belongs to, or null when unknown, expired or revoked. */
  authenticate(accessToken: string): { email: string; scopes: string[] } | null {
    const token = this.accessTokens.get(accessToken);
    if (!token || token.expiresAtMs <= this.clock.nowMs()) return null;
    const grant = this.grants.get(token.grantId);
    if (!grant || grant.revoked) return null;
    return { email: grant.email, scopes: grant.scope.split(/\s+/).filter(Boolean) };
  }

  /** A grant without the consent page (control API: tests and the demo seeding connections). */
  mint(email: string, scope: string, clientId: string): TokenResponse {
    const code = this.issueCode({
      email: email.toLowerCase(),
      clientId,
      redirectUri: 'urn:emulator',
      scope,
      codeChallenge: undefined,
      codeChallengeMethod: undefined,
      offline: true,
    });
    return this.exchangeCode({ code, clientId, redirectUri: 'urn:emulator', codeVerifier: undefined });
  }

  /** A service account acting as `email` by delegation (JWT bearer grant): no refresh token, a new JWT instead. */
  issueDelegated(email: string, scope: string, clientId: string): TokenResponse {
    const grant: Grant = { id: randomId(12), email, clientId, scope, refreshToken: null, revoked: false };
    this.grants.set(grant.id, grant);
    return this.issueAccessToken(grant);
  }

  private issueAccessToken(grant: Grant): TokenResponse {
    const token = `ya29.${randomId(48)}`;
    this.accessTokens.set(token, {
      grantId: grant.id,
      expiresAtMs: this.clock.nowMs() + this.accessTokenTtlSeconds * 1000,
    });
    return {
      access_token: token,
      expires_in: this.accessTokenTtlSeconds,
      scope: grant.scope,
      token_type: 'Bearer',
    };
  }
}
