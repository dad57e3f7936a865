import { z } from 'zod';

export const HEALTH_FILTERS = ['all', 'needs_reconnect', 'errors', 'never_synced'] as const;
export type HealthFilter = (typeof HEALTH_FILTERS)[number];
export const HEALTH_PAGE_SIZE = 25;

export const connectionHealthListSchema = z.strictObject({
  filter: z.enum(HEALTH_FILTERS).default('all'),
  /** 1-based. */
  page: z.number().int().min(1).max(100_000).default(1),
});
export type ConnectionHealthQuery = z.output<typeof connectionHealthListSchema>;

export const healthConnectionSchema = z.strictObject({ connectionId: z.uuid() });
