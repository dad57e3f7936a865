import { canOrganize } from '@/server/meetings/organizers';
import {
  availabilityInput,
  clashInput,
  myAvailabilityInput,
  peopleInput,
  suggestionsInput,
} from '@/server/scheduling/contract';
import { listSchedulablePeople } from '@/server/scheduling/schedulable-people';
import {
  availabilityFor,
  clashesFor,
  myAvailability,
  suggestionsFor,
} from '@/server/scheduling/scheduling-service';
import { createTRPCRouter, roleProcedure, tenantProcedure } from '../trpc';

/** Looking at others' availability is for those who organise meetings (DESIGN.md §9). */
const organizerProcedure = roleProcedure(
  canOrganize,
  'Only tutors and admins can see other people’s availability.',
);

export const schedulingRouter = createTRPCRouter({
  people: organizerProcedure
    .input(peopleInput)
    .query(({ ctx, input }) => listSchedulablePeople(ctx.db, ctx.actor, input?.search)),
  availability: organizerProcedure
    .input(availabilityInput)
    .query(({ ctx, input }) => availabilityFor(ctx, ctx.actor, input)),
  suggestions: organizerProcedure
    .input(suggestionsInput)
    .query(({ ctx, input }) => suggestionsFor(ctx, ctx.actor, input)),
  clashes: organizerProcedure.input(clashInput).query(({ ctx, input }) => clashesFor(ctx, ctx.actor, input)),
  /** Any member: their own availability as their tutor sees it, without titles. */
  myAvailability: tenantProcedure
    .input(myAvailabilityInput)
    .query(({ ctx, input }) => myAvailability(ctx, ctx.actor, input)),
});
