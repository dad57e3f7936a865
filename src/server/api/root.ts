import { calendarRouter } from './routers/calendar';
import { connectionsRouter } from './routers/connections';
import { meRouter } from './routers/me';
import { meetingsRouter } from './routers/meetings';
import { tasksRouter } from './routers/tasks';
import { tenantRouter } from './routers/tenant';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  calendar: calendarRouter,
  connections: connectionsRouter,
  me: meRouter,
  meetings: meetingsRouter,
  tasks: tasksRouter,
  tenant: tenantRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
