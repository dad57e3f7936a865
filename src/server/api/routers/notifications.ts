import { listNotifications, markAllRead, markRead, unreadCount } from '@/server/notifications/inbox';
import {
  listNotificationsSchema,
  markAllReadSchema,
  markReadSchema,
  setPreferenceSchema,
} from '@/server/notifications/inputs';
import { listPreferences, setPreference } from '@/server/notifications/preferences';
import { createTRPCRouter, tenantProcedure } from '../trpc';

/** Everyone's own bell and choices: every role has them, and each reads and changes only their own. */
export const notificationsRouter = createTRPCRouter({
  list: tenantProcedure
    .input(listNotificationsSchema)
    .query(({ ctx, input }) => listNotifications(ctx.db, ctx.actor, { cursor: input?.cursor })),
  unreadCount: tenantProcedure.query(({ ctx }) => unreadCount(ctx.db, ctx.actor)),
  markRead: tenantProcedure
    .input(markReadSchema)
    .mutation(({ ctx, input }) => markRead(ctx.db, ctx.actor, input.ids, ctx.now())),
  markAllRead: tenantProcedure
    .input(markAllReadSchema)
    .mutation(({ ctx }) => markAllRead(ctx.db, ctx.actor, ctx.now())),
  preferences: tenantProcedure.query(({ ctx }) => listPreferences(ctx.db, ctx.actor)),
  setPreference: tenantProcedure
    .input(setPreferenceSchema)
    .mutation(({ ctx, input }) => setPreference(ctx.db, ctx.actor, input, ctx.now())),
});
