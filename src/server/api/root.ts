import { calendarRouter } from './routers/calendar';
import { connectionsRouter } from './routers/connections';
import { enterpriseRouter } from './routers/enterprise';
import { meRouter } from './routers/me';
import { meetingsRouter } from './routers/meetings';
import { notificationsRouter } from './routers/notifications';
import { tasksRouter } from './routers/tasks';
import { tenantRouter } from './routers/tenant';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  calendar: calendarRouter,
  connections: connectionsRouter,
  enterprise: enterpriseRouter,
  me: meRouter,
  meetings: meetingsRouter,
  notifications: notificationsRouter,
  tasks: tasksRouter,
  tenant: tenantRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
