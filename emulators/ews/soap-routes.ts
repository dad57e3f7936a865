import type { Hono } from 'hono';
import { actingMailbox, unauthorized } from './auth';
import { getUserAvailability } from './availability';
import type { FaultQueue } from './faults';
import { xml, type CallerOf, type NodeEnv } from './http';
import { OPERATIONS } from './operations';
import type { Handler } from './responses';
import {
  buildEnvelope,
  buildSoapFault,
  buildSoapResponse,
  NS,
  parseSoapRequest,
  SoapParseError,
} from './soap';
import { EwsError, type EwsStore } from './store';

/**
 * `/EWS/Exchange.asmx`: authentication, then the SOAP request parsed, counted, answered with an
 * injected fault if one applies, impersonation applied, and dispatched to its operation.
 */
export function soapRoutes(
  app: Hono<NodeEnv>,
  deps: {
    store: EwsStore;
    faults: FaultQueue;
    counts: Map<string, number>;
    callerOf: CallerOf;
    resolveNames: Handler;
  },
): void {
  const { store, faults, counts, callerOf, resolveNames } = deps;
  // NTLM clients (@ewsjs/xhr) send their Type 1 message on a GET before the SOAP POST.
  app.get('/EWS/Exchange.asmx', (c) => {
    const caller = callerOf(c);
    return caller instanceof Response ? caller : c.text('Exchange Web Services');
  });

  app.post('/EWS/Exchange.asmx', async (c) => {
    const caller = callerOf(c);
    if (caller instanceof Response) return caller;
    let request;
    try {
      request = parseSoapRequest(await c.req.text());
    } catch (error) {
      if (error instanceof SoapParseError)
        return xml(buildSoapFault('ErrorSchemaValidation', error.message), 500);
      throw error;
    }
    counts.set(request.operation, (counts.get(request.operation) ?? 0) + 1);
    const fault = faults.take(request.operation);
    if (fault) {
      if (fault.kind === 'serverBusy') {
        return xml(
          buildSoapFault(
            'ErrorServerBusy',
            'The server cannot service this request right now. Try again later.',
            {
              BackOffMilliseconds: String(fault.backOffMs ?? 1000),
            },
          ),
          500,
        );
      }
      if (fault.status === 401) return unauthorized();
      return new Response('Service Unavailable', { status: fault.status ?? 503 });
    }
    try {
      const mailbox = actingMailbox(store, caller, request.header);
      if (request.operation === 'GetUserAvailabilityRequest') {
        return xml(
          buildEnvelope({
            'm:GetUserAvailabilityResponse': {
              '@_xmlns:m': NS.messages,
              '@_xmlns:t': NS.types,
              ...getUserAvailability(store, request.header, request.body),
            },
          }),
        );
      }
      const handler = request.operation === 'ResolveNames' ? resolveNames : OPERATIONS[request.operation];
      if (!handler)
        return xml(
          buildSoapFault('ErrorInvalidRequest', `The emulator does not implement ${request.operation}.`),
          500,
        );
      return xml(buildSoapResponse(request.operation, handler({ store, mailbox }, request.body)));
    } catch (error) {
      if (error instanceof EwsError) return xml(buildSoapFault(error.code, error.message), 500);
      throw error;
    }
  });
}
