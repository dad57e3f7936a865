import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  TelemetryHandler,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { graphBaseUrl, type MicrosoftAppConfig } from './config';
import type { AccessTokenSource } from './token-source';

/**
 * The Graph SDK client, with one deliberate change to its default middleware chain: no
 * RetryHandler. The default one sleeps through 429 / 503 / 504 (Retry-After, up to 3 times, up
 * to 180 s each) inside a single call. That would hold an Inngest step and the connection's
 * concurrency slot for minutes and hide throttling from the sync engine. Without it, a 429/503
 * surfaces at once as ProviderRateLimitedError with retryAfterMs, and the job runner schedules
 * the retry (DESIGN.md §4.6: retry with the provider's Retry-After).
 */

const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);

export function createGraphClient(config: MicrosoftAppConfig, tokens: AccessTokenSource): Client {
  const baseUrl = graphBaseUrl(config);
  const host = new URL(baseUrl).hostname;
  const chain: Middleware[] = [
    new AuthenticationHandler({ getAccessToken: () => Promise.resolve(tokens.current()) }),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new HTTPMessageHandler(),
  ];
  return Client.initWithMiddleware({
    baseUrl,
    defaultVersion: 'v1.0',
    // The SDK only attaches the bearer token to Graph hosts and these; other clouds / emulator.
    ...(GRAPH_HOSTS.has(host) ? {} : { customHosts: new Set([host]) }),
    middleware: chain,
  });
}
