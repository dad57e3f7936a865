/**
 * Counts requests by route (`GET /calendar/v3/calendars/:calendarId/events`), so benchmarks and
 * tests can assert how many provider calls a piece of work made. The control API itself
 * (`/__control/…`) is not counted.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

export interface RequestCounts {
  total: number;
  byRoute: Record<string, number>;
}

export class RequestCounter {
  private counts = new Map<string, number>();
  private total = 0;

  record(route: string): void {
    this.total += 1;
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
  }

  snapshot(): RequestCounts {
    return {
      total: this.total,
      byRoute: Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  reset(): void {
    this.counts.clear();
    this.total = 0;
  }

  /** Middleware to mount first (`app.use('*', counter.middleware())`) so faults are counted too. */
  middleware(controlPrefix = '/__control'): MiddlewareHandler {
    return async (c, next) => {
      if (c.req.path.startsWith(controlPrefix)) return next();
      try {
        await next();
      } finally {
        // The last matched route is the handler's pattern; when only `*` middleware matched, it is '*'.
        const pattern = routePath(c, -1);
        this.record(`${c.req.method} ${pattern === '*' || pattern === '/*' ? '(unmatched)' : pattern}`);
      }
    };
  }
}
