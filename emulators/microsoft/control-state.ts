import { z } from 'zod';

/**
 * Test controls that are not Graph state: injected faults and request counts by route.
 * (emulators/shared did not exist when this was written; this is the Microsoft emulator's own.)
 */

export const faultRule = z.object({
  /** Only requests with this method (any when absent). */
  method: z.string().optional(),
  /** Only requests whose route key (see routeKey) or path contains this text. */
  path: z.string().optional(),
  /** `status`: answer with an error; `delay`: wait then serve; `reset`: drop the connection. */
  kind: z.enum(['status', 'delay', 'reset']).default('status'),
  status: z.number().int().min(400).max(599).optional(),
  code: z.string().optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  delayMs: z.number().int().min(0).max(60_000).optional(),
  /** How many matching requests the fault applies to. */
  times: z.number().int().min(1).default(1),
});
export type FaultRule = z.infer<typeof faultRule>;

/** `GET /v1.0/me/events/AAMk…` → `GET /v1.0/me/events/{id}`, so counts group by route. */
export function routeKey(method: string, path: string): string {
  const segments = path.split('/');
  const idAfter = new Set(['users', 'calendars', 'events', 'subscriptions']);
  const normalised = segments.map((segment, index) => {
    const previous = segments[index - 1] ?? '';
    if (idAfter.has(previous) && segment !== 'delta') return '{id}';
    if (index === 1 && segments[2] === 'oauth2') return '{tenant}';
    return segment;
  });
  return `${method.toUpperCase()} ${normalised.join('/')}`;
}

export class ControlState {
  private faults: FaultRule[] = [];
  readonly counts = new Map<string, number>();

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The fault that applies to this request, consuming one of its uses. */
  takeFault(method: string, key: string, path: string): FaultRule | null {
    const index = this.faults.findIndex(
      (rule) =>
        (!rule.method || rule.method.toUpperCase() === method.toUpperCase()) &&
        (!rule.path || key.includes(rule.path) || path.includes(rule.path)),
    );
    if (index === -1) return null;
    const rule = this.faults[index]!;
    rule.times -= 1;
    if (rule.times <= 0) this.faults.splice(index, 1);
    return rule;
  }

  count(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): { total: number; byRoute: Record<string, number> } {
    const byRoute = Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { total: [...this.counts.values()].reduce((sum, n) => sum + n, 0), byRoute };
  }
}
