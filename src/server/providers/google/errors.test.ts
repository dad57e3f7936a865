/**
 * The error mapping on its own, for the shapes the emulator tests do not reach: each Google
 * status and reason → its typed error, Retry-After in both forms, and network failures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../errors';
import { googleEndpointsAt, type GoogleClientConfig } from './config';
import { mapGoogleError } from './errors';
import { exchangeAuthorizationCode, refreshAccessToken } from './oauth';

function gaxios(status: number, reason: string | null, headers: Record<string, string> = {}, oauth?: string) {
  const data = oauth
    ? { error: oauth, error_description: 'Token has been expired or revoked.' }
    : {
        error: {
          code: status,
          message: `m ${status}`,
          errors: reason ? [{ domain: 'global', reason, message: reason }] : [],
        },
      };
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    response: { status, data, headers: new Headers(headers) },
  });
}

describe('mapGoogleError', () => {
  it.each([
    [gaxios(400, null, {}, 'invalid_grant'), ProviderAuthRevokedError],
    [gaxios(401, 'authError'), ProviderAuthRevokedError],
    [gaxios(403, 'insufficientPermissions'), ProviderAuthRevokedError],
    [gaxios(403, 'forbiddenForNonOrganizer'), ProviderError],
    [gaxios(404, 'notFound'), ProviderNotFoundError],
    [gaxios(409, 'duplicate'), ProviderConflictError],
    [gaxios(410, 'deleted'), ProviderNotFoundError],
    [gaxios(410, 'fullSyncRequired'), CursorExpiredError],
    [gaxios(412, 'conditionNotMet'), ProviderConflictError],
    [gaxios(400, 'timeRangeEmpty'), ProviderBadRequestError],
    [gaxios(502, 'backendError'), ProviderUnavailableError],
    [new Error('connect ECONNREFUSED 127.0.0.1:9'), ProviderUnavailableError],
  ])('%s', (error, type) => {
    const mapped = mapGoogleError(error);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.cause).toBe(error);
  });

  it('types every other refusal as a bad request, like the other adapters, so no bare ProviderError leaves', () => {
    expect(mapGoogleError(gaxios(403, 'forbiddenForNonOrganizer'))).toBeInstanceOf(ProviderBadRequestError);
    expect(mapGoogleError(gaxios(405, null))).toBeInstanceOf(ProviderBadRequestError);
  });

  it('treats any 410 on a sync-token request other than "deleted" as an expired cursor', () => {
    expect(mapGoogleError(gaxios(410, null), { withSyncToken: true })).toBeInstanceOf(CursorExpiredError);
    expect(mapGoogleError(gaxios(410, null))).toBeInstanceOf(ProviderNotFoundError);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    const seconds = mapGoogleError(gaxios(429, 'rateLimitExceeded', { 'retry-after': '3' }));
    expect(seconds).toBeInstanceOf(ProviderRateLimitedError);
    expect((seconds as ProviderRateLimitedError).retryAfterMs).toBe(3000);
    const date = mapGoogleError(
      gaxios(403, 'userRateLimitExceeded', { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }),
    );
    expect((date as ProviderRateLimitedError).retryAfterMs).toBeGreaterThan(50_000);
    const none = mapGoogleError(gaxios(403, 'quotaExceeded'));
    expect((none as ProviderRateLimitedError).retryAfterMs).toBeNull();
  });
});

describe('a token endpoint that answers 200 without an access token', () => {
  let server: Server;
  let config: GoogleClientConfig;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    config = {
      clientId: 'c',
      clientSecret: 's',
      redirectUri: 'http://127.0.0.1/callback',
      endpoints: googleEndpointsAt(base),
    };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails the code exchange and the refresh with ProviderProtocolError', async () => {
    await expect(
      exchangeAuthorizationCode(config, { code: 'code', codeVerifier: 'v'.repeat(43) }),
    ).rejects.toBeInstanceOf(ProviderProtocolError);
    await expect(refreshAccessToken(config, 'refresh-token')).rejects.toBeInstanceOf(ProviderProtocolError);
  });
});
