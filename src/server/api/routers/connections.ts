import { connectCalDav } from '@/server/connections/caldav-connect';
import { connectExchange } from '@/server/connections/exchange-connect';
import {
  calDavConnectSchema,
  exchangeConnectSchema,
  calendarPreferencesSchema,
  connectionIdSchema,
} from '@/server/connections/inputs';
import {
  disconnectConnection,
  listConnections,
  requestSync,
  updateCalendarPreferences,
} from '@/server/connections/manage';
import { createTRPCRouter, tenantProcedure } from '../trpc';

/**
 * A member's own calendar connections (Account settings → Calendars). Google and Microsoft are
 * connected through the OAuth routes in src/app/api/connections/; CalDAV, iCloud and
 * Exchange Server (EWS) here.
 */
export const connectionsRouter = createTRPCRouter({
  list: tenantProcedure.query(({ ctx }) => listConnections(ctx.db, ctx.actor)),
  connectCalDav: tenantProcedure
    .input(calDavConnectSchema)
    .mutation(({ ctx, input }) => connectCalDav(ctx, ctx.actor, input)),
  connectExchange: tenantProcedure
    .input(exchangeConnectSchema)
    .mutation(({ ctx, input }) => connectExchange(ctx, ctx.actor, input)),
  updateCalendar: tenantProcedure
    .input(calendarPreferencesSchema)
    .mutation(({ ctx, input }) => updateCalendarPreferences(ctx.db, ctx.actor, input)),
  syncNow: tenantProcedure
    .input(connectionIdSchema)
    .mutation(({ ctx, input }) => requestSync(ctx, ctx.actor, input)),
  disconnect: tenantProcedure
    .input(connectionIdSchema)
    .mutation(({ ctx, input }) => disconnectConnection(ctx, ctx.actor, input)),
});
