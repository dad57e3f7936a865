import { readCalendarFeed } from '@/server/calendar/feed';
import { dateRangeSchema } from '@/server/time/range';
import { createTRPCRouter, tenantProcedure } from '../trpc';

export const calendarRouter = createTRPCRouter({
  feed: tenantProcedure
    .input(dateRangeSchema)
    .query(({ ctx, input }) => readCalendarFeed(ctx.db, ctx.actor, input)),
});
