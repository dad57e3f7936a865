import { calendarIntegrationUpdateSchema } from '@/server/tenants/inputs';
import { getCalendarIntegrationSettings, updateCalendarIntegrationSettings } from '@/server/tenants/settings';
import { createTRPCRouter, permissionProcedure } from '../trpc';

const manageTenantSettings = permissionProcedure('manage_tenant_settings');

export const tenantRouter = createTRPCRouter({
  calendarIntegration: manageTenantSettings.query(({ ctx }) =>
    getCalendarIntegrationSettings(ctx.db, ctx.actor.tenantId),
  ),
  updateCalendarIntegration: manageTenantSettings
    .input(calendarIntegrationUpdateSchema)
    .mutation(({ ctx, input }) => updateCalendarIntegrationSettings(ctx.db, ctx.actor, input, ctx.now())),
});
