import { z } from 'zod';
import {
  createTask,
  deleteTask,
  setTaskDone,
  taskFieldsSchema,
  taskUpdateSchema,
  updateTask,
} from '@/server/tasks/tasks';
import { createTRPCRouter, tenantProcedure } from '../trpc';

const byId = z.strictObject({ id: z.uuid() });

export const tasksRouter = createTRPCRouter({
  create: tenantProcedure
    .input(taskFieldsSchema)
    .mutation(({ ctx, input }) => createTask(ctx.db, ctx.actor, input)),
  update: tenantProcedure
    .input(taskUpdateSchema)
    .mutation(({ ctx, input }) => updateTask(ctx.db, ctx.actor, input, ctx.now())),
  setDone: tenantProcedure
    .input(byId.extend({ done: z.boolean() }))
    .mutation(({ ctx, input }) => setTaskDone(ctx.db, ctx.actor, input.id, input.done, ctx.now())),
  delete: tenantProcedure
    .input(byId)
    .mutation(({ ctx, input }) => deleteTask(ctx.db, ctx.actor, input.id)),
});
