import { acceptProposedTime } from '@/server/answers/accept-proposal';
import { readDrawnMeeting } from '@/server/calendar/meeting-occurrences';
import {
  acceptProposedTimeSchema,
  cancelMeetingSchema,
  createMeetingSchema,
  drawnMeetingSchema,
  respondSchema,
  updateMeetingSchema,
} from '@/server/meetings/inputs';
import { canOrganize, ORGANIZER_REFUSAL } from '@/server/meetings/organizers';
import { respondToMeeting } from '@/server/meetings/responses';
import { cancelMeeting, createMeeting, updateMeeting } from '@/server/meetings/schedule';
import { createTRPCRouter, roleProcedure, tenantProcedure } from '../trpc';

const organizerProcedure = roleProcedure(canOrganize, ORGANIZER_REFUSAL);

export const meetingsRouter = createTRPCRouter({
  get: tenantProcedure
    .input(drawnMeetingSchema)
    .query(({ ctx, input }) => readDrawnMeeting(ctx.db, ctx.actor, input.id, input.originalStartsAt)),
  create: organizerProcedure
    .input(createMeetingSchema)
    .mutation(({ ctx, input }) => createMeeting(ctx, ctx.actor, input)),
  update: organizerProcedure
    .input(updateMeetingSchema)
    .mutation(({ ctx, input }) => updateMeeting(ctx, ctx.actor, input)),
  cancel: organizerProcedure
    .input(cancelMeetingSchema)
    .mutation(({ ctx, input }) => cancelMeeting(ctx, ctx.actor, input.id, input.occurrence)),
  respond: tenantProcedure
    .input(respondSchema)
    .mutation(({ ctx, input }) => respondToMeeting(ctx.db, ctx.actor, input, ctx.now(), ctx.jobs)),
  acceptProposedTime: organizerProcedure
    .input(acceptProposedTimeSchema)
    .mutation(({ ctx, input }) => acceptProposedTime(ctx, ctx.actor, input)),
});
