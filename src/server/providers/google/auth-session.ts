/**
 * One connection's OAuth session: the SDK's OAuth2 client loaded with the stored tokens. The SDK
 * refreshes the access token before it expires (`eagerRefreshThresholdMillis`); every refresh is
 * reported through `onTokensRefreshed` so the caller can persist it. An API call answered 401
 * (token revoked or expired early) is refreshed once and retried; if that fails the grant is gone.
 */
import type { OAuthTokens, TokensRefreshed } from '../types';
import type { GoogleClientConfig } from './config';
import { mapGoogleError, statusOf } from './errors';
import { createOAuth2Client, type OAuth2Client } from './sdk';

/** Refresh this long before the access token expires. */
const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

interface RefreshedCredentials {
  access_token?: string | null;
  refresh_token?: string | null;
  expiry_date?: number | null;
  scope?: string;
}

export class GoogleAuthSession {
  readonly client: OAuth2Client;
  private refreshToken: string | null;
  private readonly persisting = new Set<Promise<void>>();
  private persistError: unknown = null;

  constructor(
    config: GoogleClientConfig,
    tokens: OAuthTokens,
    private readonly onTokensRefreshed: TokensRefreshed | undefined,
    refreshMarginMs = DEFAULT_REFRESH_MARGIN_MS,
  ) {
    this.client = createOAuth2Client(config, { eagerRefreshThresholdMillis: refreshMarginMs });
    this.refreshToken = tokens.refreshToken;
    this.client.setCredentials({
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      expiry_date: tokens.expiresAt.getTime(),
      scope: tokens.scope ?? undefined,
      token_type: 'Bearer',
    });
    // The SDK emits 'tokens' on every refresh it makes, proactive or forced.
    this.client.on('tokens', (credentials: RefreshedCredentials) => this.report(credentials));
  }

  /**
   * Runs one API call: refreshes first when the token is (nearly) expired, retries once after a
   * 401, maps errors, and waits until refreshed tokens have been handed to the caller.
   */
  async run<T>(call: () => Promise<T>, context: { withSyncToken?: boolean } = {}): Promise<T> {
    try {
      try {
        return await call();
      } catch (error) {
        if (statusOf(error) !== 401 || !this.refreshToken) throw error;
        await this.client.refreshAccessToken();
        return await call();
      }
    } catch (error) {
      throw mapGoogleError(error, context);
    } finally {
      await this.settle();
    }
  }

  private report(credentials: RefreshedCredentials): void {
    if (!credentials.access_token) return;
    // Google returns a new refresh token only on some refreshes; keep the one we have otherwise.
    if (credentials.refresh_token) this.refreshToken = credentials.refresh_token;
    const tokens: OAuthTokens = {
      accessToken: credentials.access_token,
      refreshToken: this.refreshToken,
      expiresAt: new Date(credentials.expiry_date ?? Date.now() + 3_600_000),
      scope: credentials.scope ?? null,
    };
    if (!this.onTokensRefreshed) return;
    const persisted = this.onTokensRefreshed(tokens).catch((error: unknown) => {
      this.persistError = error;
    });
    this.persisting.add(persisted);
    void persisted.finally(() => this.persisting.delete(persisted));
  }

  /** Waits for pending `onTokensRefreshed` calls; surfaces a failed one. */
  private async settle(): Promise<void> {
    await Promise.all(this.persisting);
    if (this.persistError) {
      const error = this.persistError;
      this.persistError = null;
      throw error;
    }
  }
}
