import { z } from 'zod';
import { NOTIFICATION_KIND_LIST, type NotificationKind } from './kinds';

/**
 * A page of the bell; the cursor is what the previous page returned. `direction` is what the
 * React Query infinite list sends along (only older pages are fetched, so it is not used).
 */
export const listNotificationsSchema = z
  .strictObject({
    cursor: z.string().max(100).nullish(),
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .optional();

/** At most a few pages at once: the bell marks what it shows. */
export const markReadSchema = z.strictObject({
  ids: z.array(z.uuid()).min(1, 'Choose at least one notification').max(100),
});

export const setPreferenceSchema = z
  .strictObject({
    kind: z.enum(NOTIFICATION_KIND_LIST as [NotificationKind, ...NotificationKind[]], {
      message: 'Unknown kind of notification',
    }),
    inApp: z.boolean().optional(),
    email: z.boolean().optional(),
  })
  .refine((value) => value.inApp !== undefined || value.email !== undefined, {
    message: 'Say whether to show it in Tandem, send it by email, or both',
  });

/** Nothing to choose; an empty object so that a malformed call is refused rather than ignored. */
export const markAllReadSchema = z.strictObject({});
