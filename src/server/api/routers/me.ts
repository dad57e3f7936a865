import { memberFilterSchema, profileUpdateSchema } from '@/server/users/inputs';
import { getProfile, listTenantMembers, updateProfile } from '@/server/users/profile';
import { createTRPCRouter, tenantProcedure } from '../trpc';

export const meRouter = createTRPCRouter({
  profile: tenantProcedure.query(({ ctx }) => getProfile(ctx.db, ctx.actor)),
  updateProfile: tenantProcedure
    .input(profileUpdateSchema)
    .mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.actor, input)),
  /** Colleagues and learners of the caller's own tenant, for invitations. */
  members: tenantProcedure
    .input(memberFilterSchema)
    .query(({ ctx, input }) => listTenantMembers(ctx.db, ctx.actor, input?.role)),
});
