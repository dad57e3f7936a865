import { z } from 'zod';
import { AUDIT_ACTIONS } from '@/server/db/schema';

export const AUDIT_PAGE_SIZE = 50;
/** The most rows one CSV export carries; narrow the dates for more. */
export const AUDIT_EXPORT_LIMIT = 10_000;

export const auditFiltersSchema = z
  .strictObject({
    /** The member who acted. */
    personId: z.string().min(1).max(100).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    /** Days in the admin's time zone, both included. */
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .refine((filters) => !filters.from || !filters.to || filters.from <= filters.to, {
    message: 'The start date must be on or before the end date',
    path: ['to'],
  });
export type AuditFilters = z.output<typeof auditFiltersSchema>;

export const auditListSchema = z.strictObject({
  filters: auditFiltersSchema.default({}),
  page: z.number().int().min(1).max(100_000).default(1),
});
export type AuditListQuery = z.output<typeof auditListSchema>;
