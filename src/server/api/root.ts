import { calendarRouter } from './routers/calendar';
import { connectionsRouter } from './routers/connections';
import { enterpriseRouter } from './routers/enterprise';
import { meRouter } from './routers/me';
import { meetingsRouter } from './routers/meetings';
import { notificationsRouter } from './routers/notifications';
import { schedulingRouter } from './routers/scheduling';
import { tasksRouter } from './routers/tasks';
import { tenantRouter } from './routers/tenant';
import { auditLogRouter, connectionHealthRouter } from './routers/tenant-admin';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auditLog: auditLogRouter,
  calendar: calendarRouter,
  connectionHealth: connectionHealthRouter,
  connections: connectionsRouter,
  enterprise: enterpriseRouter,
  me: meRouter,
  meetings: meetingsRouter,
  notifications: notificationsRouter,
  scheduling: schedulingRouter,
  tasks: tasksRouter,
  tenant: tenantRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
