import { ProviderAuthRevokedError } from '../errors';
import type { OAuthTokens, TokensRefreshed } from '../types';
import type { MicrosoftAppConfig } from './config';
import { clientCredentialsToken, refreshAccessToken } from './oauth';

/**
 * Keeps a valid access token: refreshes ahead of expiry (so a request never starts with a token
 * about to lapse), one refresh at a time, and reports new tokens so the caller can persist them.
 */

/** Refresh when less than this is left. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface AccessTokenSource {
  /** A token valid for at least the margin; refreshes first when needed. */
  fresh(): Promise<string>;
  /** The token `fresh()` last returned (for the SDK's synchronous-ish auth callback). */
  current(): string;
  /** Graph refused the token before its expiry: get a new one now. */
  renew(): Promise<string>;
}

export class DelegatedTokenSource implements AccessTokenSource {
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly config: MicrosoftAppConfig,
    private tokens: OAuthTokens,
    private readonly onRefreshed: TokensRefreshed | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  current(): string {
    return this.tokens.accessToken;
  }

  async fresh(): Promise<string> {
    if (this.tokens.expiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS)
      return this.tokens.accessToken;
    return this.renew();
  }

  renew(): Promise<string> {
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async refresh(): Promise<string> {
    if (!this.tokens.refreshToken)
      throw new ProviderAuthRevokedError('Microsoft access token expired and there is no refresh token');
    const next = await refreshAccessToken(this.config, this.tokens.refreshToken);
    this.tokens = next;
    await this.onRefreshed?.(next);
    return next.accessToken;
  }
}

/** Client-credentials tokens are cheap to re-issue: cache one, fetch a new one near expiry. */
export class ApplicationTokenSource implements AccessTokenSource {
  private tokens: OAuthTokens | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly config: MicrosoftAppConfig,
    private readonly tenantId: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  current(): string {
    return this.tokens?.accessToken ?? '';
  }

  async fresh(): Promise<string> {
    if (this.tokens && this.tokens.expiresAt.getTime() - this.now().getTime() > REFRESH_MARGIN_MS)
      return this.tokens.accessToken;
    return this.renew();
  }

  renew(): Promise<string> {
    this.inFlight ??= clientCredentialsToken(this.config, this.tenantId)
      .then((tokens) => {
        this.tokens = tokens;
        return tokens.accessToken;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }
}
