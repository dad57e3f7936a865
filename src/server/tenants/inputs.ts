import { z } from 'zod';
import { PROVIDER_KINDS } from '@/server/db/schema';

export const calendarIntegrationUpdateSchema = z.strictObject({
  enabled: z.boolean().optional(),
  allowedProviders: z
    .array(z.enum(PROVIDER_KINDS))
    .max(PROVIDER_KINDS.length)
    .transform((kinds) => [...new Set(kinds)])
    .optional(),
});
export type CalendarIntegrationUpdate = z.output<typeof calendarIntegrationUpdateSchema>;
