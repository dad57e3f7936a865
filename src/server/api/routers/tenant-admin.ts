import { auditPeople, exportAuditLogCsv, listAuditLog } from '@/server/audit/audit-log';
import { auditFiltersSchema, auditListSchema } from '@/server/audit/inputs';
import { adminRemoveConnection, adminSyncNow, askToReconnect } from '@/server/connection-health/actions';
import { connectionHealthListSchema, healthConnectionSchema } from '@/server/connection-health/inputs';
import { listConnectionHealth } from '@/server/connection-health/list';
import { createTRPCRouter, permissionProcedure } from '../trpc';

const manageTenantSettings = permissionProcedure('manage_tenant_settings');

/**
 * Tenant settings → Calendar integration, for Manage Tenant Settings only: every connection's
 * health with its actions, and the audit log. The audit log has queries only: nothing here (or
 * anywhere) writes or changes it except the services, through recordAudit.
 */
export const connectionHealthRouter = createTRPCRouter({
  list: manageTenantSettings
    .input(connectionHealthListSchema)
    .query(({ ctx, input }) => listConnectionHealth(ctx.db, ctx.actor.tenantId, input)),
  syncNow: manageTenantSettings
    .input(healthConnectionSchema)
    .mutation(({ ctx, input }) => adminSyncNow(ctx, ctx.actor, input)),
  askToReconnect: manageTenantSettings
    .input(healthConnectionSchema)
    .mutation(({ ctx, input }) => askToReconnect(ctx, ctx.actor, input)),
  remove: manageTenantSettings
    .input(healthConnectionSchema)
    .mutation(({ ctx, input }) => adminRemoveConnection(ctx, ctx.actor, input)),
});

export const auditLogRouter = createTRPCRouter({
  list: manageTenantSettings
    .input(auditListSchema)
    .query(({ ctx, input }) => listAuditLog(ctx.db, ctx.actor.tenantId, ctx.actor.timeZone, input)),
  people: manageTenantSettings.query(({ ctx }) => auditPeople(ctx.db, ctx.actor.tenantId)),
  exportCsv: manageTenantSettings
    .input(auditFiltersSchema)
    .query(({ ctx, input }) => exportAuditLogCsv(ctx.db, ctx.actor.tenantId, ctx.actor.timeZone, input)),
});
