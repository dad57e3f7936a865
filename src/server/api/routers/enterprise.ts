import {
  bulkRunCsv,
  cancelBulkRun,
  getBulkRun,
  latestBulkRun,
  resumeBulkRun,
  startBulkRun,
} from '@/server/enterprise/bulk-runs';
import { acknowledgeAdminConsent } from '@/server/enterprise/admin-consent';
import {
  adminConsentAnswerSchema,
  bulkInputSchema,
  bulkRunIdSchema,
  enterpriseProviderSchema,
  exchangeSetupSchema,
  googleSetupSchema,
  microsoftSetupSchema,
  testAccessSchema,
} from '@/server/enterprise/inputs';
import { saveExchangeSetup } from '@/server/enterprise/exchange-setup';
import { previewBulkAdd } from '@/server/enterprise/preview';
import {
  getEnterpriseOverview,
  removeEnterpriseSetup,
  saveGoogleSetup,
  saveMicrosoftSetup,
} from '@/server/enterprise/setup';
import { testEnterpriseAccess } from '@/server/enterprise/test-access';
import { createTRPCRouter, permissionProcedure } from '../trpc';

/** Enterprise connections and bulk add on /admin/calendar: Manage Tenant Settings only, own tenant only. */
const admin = permissionProcedure('manage_tenant_settings');

export const enterpriseRouter = createTRPCRouter({
  overview: admin.query(({ ctx }) => getEnterpriseOverview(ctx, ctx.actor)),
  saveMicrosoft: admin
    .input(microsoftSetupSchema)
    .mutation(({ ctx, input }) => saveMicrosoftSetup(ctx, ctx.actor, input)),
  saveGoogle: admin
    .input(googleSetupSchema)
    .mutation(({ ctx, input }) => saveGoogleSetup(ctx, ctx.actor, input)),
  saveExchange: admin
    .input(exchangeSetupSchema)
    .mutation(({ ctx, input }) => saveExchangeSetup(ctx, ctx.actor, input)),
  remove: admin
    .input(enterpriseProviderSchema)
    .mutation(({ ctx, input }) => removeEnterpriseSetup(ctx, ctx.actor, input.provider)),
  // Microsoft's answer on the redirect URI, forwarded by the page; its state is checked there.
  acknowledgeConsent: admin
    .input(adminConsentAnswerSchema)
    .mutation(({ ctx, input }) => acknowledgeAdminConsent(ctx, ctx.actor, input)),
  test: admin
    .input(testAccessSchema)
    .mutation(({ ctx, input }) => testEnterpriseAccess(ctx, ctx.actor, input)),
  // A mutation: a CSV can be too long for a query string, and the directory is read afresh.
  preview: admin.input(bulkInputSchema).mutation(async ({ ctx, input }) => {
    const { enterprise: _enterprise, ...preview } = await previewBulkAdd(ctx, ctx.actor.tenantId, input);
    return preview;
  }),
  startBulk: admin.input(bulkInputSchema).mutation(({ ctx, input }) => startBulkRun(ctx, ctx.actor, input)),
  bulkRun: admin.input(bulkRunIdSchema).query(({ ctx, input }) => getBulkRun(ctx, ctx.actor, input.runId)),
  latestBulkRun: admin.query(({ ctx }) => latestBulkRun(ctx, ctx.actor)),
  bulkRunCsv: admin
    .input(bulkRunIdSchema)
    .query(async ({ ctx, input }) => bulkRunCsv(await getBulkRun(ctx, ctx.actor, input.runId))),
  cancelBulk: admin
    .input(bulkRunIdSchema)
    .mutation(({ ctx, input }) => cancelBulkRun(ctx, ctx.actor, input.runId)),
  resumeBulk: admin
    .input(bulkRunIdSchema)
    .mutation(({ ctx, input }) => resumeBulkRun(ctx, ctx.actor, input.runId)),
});
