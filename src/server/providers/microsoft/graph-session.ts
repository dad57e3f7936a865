import { GraphError, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import type { MicrosoftAppConfig } from './config';
import { createGraphClient } from './graph-client';
import { toProviderError } from './errors';
import type { AccessTokenSource } from './token-source';

/**
 * One connection's Graph access: the SDK client, its token source, and the mailbox path —
 * `/me` for delegated connections, `/users/{id}` for app-only (enterprise) ones.
 */

/** Times in UTC (we convert), bodies as text (we store text). */
export const DEFAULT_PREFER = ['outlook.timezone="UTC"', 'outlook.body-content-type="text"'];

export class GraphSession {
  readonly client: Client;
  private selfEmailValue: string | null = null;

  constructor(
    config: MicrosoftAppConfig,
    private readonly tokens: AccessTokenSource,
    /** `/me` or `/users/{id}`. */
    readonly mailbox: string,
  ) {
    this.client = createGraphClient(config, tokens);
  }

  /** A request with our default Prefer header (plus extra preferences). */
  api(path: string, extraPrefer: string[] = []): GraphRequest {
    return this.client.api(path).header('Prefer', [...DEFAULT_PREFER, ...extraPrefer].join(', '));
  }

  /**
   * Runs a Graph call with a fresh token; every failure leaves as a typed ProviderError. A 401
   * before the token's expiry (expired early, clock skew) gets one new token and one more try, as
   * the Google adapter does; a revoked grant then fails the refresh and says so.
   */
  async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      await this.tokens.fresh();
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof GraphError) || error.statusCode !== 401) throw error;
        await this.tokens.renew();
        return await run();
      }
    } catch (error) {
      throw toProviderError(error, operation);
    }
  }

  /** The connected account's address, to flag `isSelf` on attendees. */
  async selfEmail(): Promise<string> {
    this.selfEmailValue ??= (await this.profile()).email;
    return this.selfEmailValue;
  }

  /** Who the mailbox is: accounts without an Exchange mailbox have no `mail`, only their sign-in name. */
  async profile(): Promise<{ email: string; displayName: string | null }> {
    const profile = await this.call(
      'read profile',
      () =>
        this.client.api(this.mailbox).select(['mail', 'userPrincipalName', 'displayName']).get() as Promise<{
          mail?: string | null;
          userPrincipalName?: string | null;
          displayName?: string | null;
        }>,
    );
    return {
      email: profile.mail ?? profile.userPrincipalName ?? '',
      displayName: profile.displayName ?? null,
    };
  }

  calendarPath(calendarId: string): string {
    return `${this.mailbox}/calendars/${encodeURIComponent(calendarId)}`;
  }

  eventPath(eventId: string): string {
    return `${this.mailbox}/events/${encodeURIComponent(eventId)}`;
  }
}
