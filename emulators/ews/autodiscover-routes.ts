import type { Hono } from 'hono';
import { AUTODISCOVER_PATH, autodiscoverResponse } from './autodiscover';
import {
  AUTODISCOVER_SOAP_PATH,
  autodiscoverSoapResponse,
  type AutodiscoverRedirect,
} from './autodiscover-soap';
import { xml, type CallerOf, type NodeEnv } from './http';
import type { EwsStore } from './store';

/**
 * POX Autodiscover (autodiscover.ts) and SOAP Autodiscover (autodiscover-soap.ts), behind the same
 * IIS authentication as EWS; `counts` gets one `Autodiscover` per HTTP request of either.
 */
export function autodiscoverRoutes(
  app: Hono<NodeEnv>,
  deps: {
    store: EwsStore;
    counts: Map<string, number>;
    callerOf: CallerOf;
    redirects: Map<string, AutodiscoverRedirect>;
    /** The EWS endpoint to announce, known once the server listens. */
    ewsUrl: () => string;
  },
): void {
  const { store, counts, callerOf, redirects, ewsUrl } = deps;
  // A GET (also how NTLM clients open their handshake) has no request to read: Error 600.
  app.on(['GET', 'POST'], AUTODISCOVER_PATH, async (c) => {
    counts.set('Autodiscover', (counts.get('Autodiscover') ?? 0) + 1);
    const caller = callerOf(c);
    if (caller instanceof Response) return caller;
    return xml(
      autodiscoverResponse(store, c.req.method === 'POST' ? await c.req.text() : '', ewsUrl(), redirects),
    );
  });
  // GetUserSettings.
  app.post(AUTODISCOVER_SOAP_PATH, async (c) => {
    counts.set('Autodiscover', (counts.get('Autodiscover') ?? 0) + 1);
    const caller = callerOf(c);
    if (caller instanceof Response) return caller;
    return xml(autodiscoverSoapResponse(store, await c.req.text(), ewsUrl(), redirects));
  });
}
