import { taskDoneSchema, taskFieldsSchema, taskIdSchema, taskUpdateSchema } from '@/server/tasks/inputs';
import { createTask, deleteTask, getTask, setTaskDone, updateTask } from '@/server/tasks/tasks';
import { createTRPCRouter, tenantProcedure } from '../trpc';

export const tasksRouter = createTRPCRouter({
  get: tenantProcedure.input(taskIdSchema).query(({ ctx, input }) => getTask(ctx.db, ctx.actor, input.id)),
  create: tenantProcedure
    .input(taskFieldsSchema)
    .mutation(({ ctx, input }) => createTask(ctx.db, ctx.actor, input)),
  update: tenantProcedure
    .input(taskUpdateSchema)
    .mutation(({ ctx, input }) => updateTask(ctx.db, ctx.actor, input, ctx.now())),
  setDone: tenantProcedure
    .input(taskDoneSchema)
    .mutation(({ ctx, input }) => setTaskDone(ctx.db, ctx.actor, input.id, input.done, ctx.now())),
  delete: tenantProcedure
    .input(taskIdSchema)
    .mutation(({ ctx, input }) => deleteTask(ctx.db, ctx.actor, input.id)),
});
