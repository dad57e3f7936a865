import { z } from 'zod';
import { ROLES } from '@/server/db/schema';
import { timeZoneSchema } from '@/server/time/zones';
import { storableText } from '@/server/validation/text';
import { choosableLocaleSchema } from './locale';
import { workingHoursSchema } from './working-hours';

export const profileUpdateSchema = z.strictObject({
  name: storableText().trim().min(1, 'A name is required').max(100).optional(),
  timeZone: timeZoneSchema.optional(),
  workingHours: workingHoursSchema.optional(),
  locale: choosableLocaleSchema.nullable().optional(),
});
export type ProfileUpdate = z.output<typeof profileUpdateSchema>;

/** Which colleagues to list for invitations: everyone, or one role. */
export const memberFilterSchema = z.object({ role: z.enum(ROLES).optional() }).optional();
