import { z } from 'zod';
import { calDavConnectSchema, connectCalDav } from '@/server/connections/caldav-connect';
import {
  calendarPreferencesSchema,
  disconnectConnection,
  listConnections,
  requestSync,
  updateCalendarPreferences,
} from '@/server/connections/manage';
import { createTRPCRouter, tenantProcedure } from '../trpc';

const byConnection = z.strictObject({ connectionId: z.uuid('Choose a calendar connection') });

/**
 * A member's own calendar connections (Account settings → Calendars). Google and Microsoft are
 * connected through the OAuth routes in src/app/api/connections/; CalDAV and iCloud here.
 */
export const connectionsRouter = createTRPCRouter({
  list: tenantProcedure.query(({ ctx }) => listConnections(ctx.db, ctx.actor)),
  connectCalDav: tenantProcedure
    .input(calDavConnectSchema)
    .mutation(({ ctx, input }) => connectCalDav(ctx, ctx.actor, input)),
  updateCalendar: tenantProcedure
    .input(calendarPreferencesSchema)
    .mutation(({ ctx, input }) => updateCalendarPreferences(ctx.db, ctx.actor, input)),
  syncNow: tenantProcedure
    .input(byConnection)
    .mutation(({ ctx, input }) => requestSync(ctx, ctx.actor, input)),
  disconnect: tenantProcedure
    .input(byConnection)
    .mutation(({ ctx, input }) => disconnectConnection(ctx, ctx.actor, input)),
});
