/**
 * Fault injection shared by the emulators: "answer the next N matching requests with this status,
 * headers and body" and/or "delay them by N ms". Provider-specific faults (a Google 403
 * rateLimitExceeded body, a Graph 429 …) are built by each emulator as presets on top of this
 * generic shape, so the plumbing stays provider-neutral.
 */
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';

export const faultSpecSchema = z.object({
  /** Only requests with this method (any when absent). */
  method: z.string().toUpperCase().optional(),
  /** Only requests whose path contains this text (any when absent). */
  pathIncludes: z.string().optional(),
  /** Only requests with this query parameter present (e.g. `syncToken`). */
  queryHas: z.string().optional(),
  /** How many matching requests the fault applies to; then it is used up. */
  times: z.number().int().positive().default(1),
  /** Wait this long before answering (slow responses). */
  delayMs: z.number().int().nonnegative().max(120_000).optional(),
  /** Answer with this instead of the real handler; without it, the request proceeds after the delay. */
  response: z
    .object({
      status: z.number().int().min(200).max(599),
      headers: z.record(z.string(), z.string()).default({}),
      body: z.unknown().optional(),
    })
    .optional(),
});

export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;

export interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(input: FaultSpecInput): ActiveFault {
    const spec = faultSpecSchema.parse(input);
    const fault: ActiveFault = { ...spec, id: this.nextId++, remaining: spec.times };
    this.faults.push(fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes (and uses up one use of) the first fault matching the request, if any. */
  take(request: { method: string; path: string; query: URLSearchParams }): ActiveFault | null {
    const fault = this.faults.find(
      (candidate) =>
        (!candidate.method || candidate.method === request.method.toUpperCase()) &&
        (!candidate.pathIncludes || request.path.includes(candidate.pathIncludes)) &&
        (!candidate.queryHas || request.query.has(candidate.queryHas)),
    );
    if (!fault) return null;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  /** Middleware applying faults to every request outside the control API. */
  middleware(controlPrefix = '/__control'): MiddlewareHandler {
    return async (c, next) => {
      if (c.req.path.startsWith(controlPrefix)) return next();
      const fault = this.take({
        method: c.req.method,
        path: c.req.path,
        query: new URL(c.req.url).searchParams,
      });
      if (!fault) return next();
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (!fault.response) return next();
      const { status, headers, body } = fault.response;
      const text = body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
      const contentType =
        typeof body === 'string' ? 'text/plain; charset=UTF-8' : 'application/json; charset=UTF-8';
      return new Response(text, {
        status,
        headers: { ...(text === null ? {} : { 'content-type': contentType }), ...headers },
      });
    };
  }
}
