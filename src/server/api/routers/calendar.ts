import { z } from 'zod';
import { readFeedIfChanged } from '@/server/calendar/feed-version';
import { dateRangeSchema } from '@/server/time/range';
import { createTRPCRouter, tenantProcedure } from '../trpc';

/** A range, and optionally the version of its feed the browser already holds (see feed-version.ts). */
const feedInputSchema = dateRangeSchema.and(z.object({ knownVersion: z.string().max(64).optional() }));

export const calendarRouter = createTRPCRouter({
  feed: tenantProcedure.input(feedInputSchema).query(({ ctx, input }) => {
    const { knownVersion, ...range } = input;
    return readFeedIfChanged(ctx.db, ctx.actor, range, knownVersion);
  }),
});
