import { z } from 'zod';
import { PROVIDER_KINDS, UNANSWERED_INVITATIONS_COUNT_AS } from '@/server/db/schema';

export const calendarIntegrationUpdateSchema = z.strictObject({
  enabled: z.boolean().optional(),
  allowedProviders: z
    .array(z.enum(PROVIDER_KINDS))
    .max(PROVIDER_KINDS.length)
    .transform((kinds) => [...new Set(kinds)])
    .optional(),
  /** How the Scheduling Assistant counts an invitation nobody has answered yet. */
  unansweredInvitationsCountAs: z.enum(UNANSWERED_INVITATIONS_COUNT_AS).optional(),
});
export type CalendarIntegrationUpdate = z.output<typeof calendarIntegrationUpdateSchema>;
