import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

export type ConnectionsOverview = inferRouterOutputs<AppRouter>['connections']['list'];
export type Connection = ConnectionsOverview['connections'][number];
export type ConnectedCalendar = Connection['calendars'][number];
export type AllowedProvider = ConnectionsOverview['allowedProviders'][number];
/** Providers connected by a form in the page (a password), not by leaving it for OAuth. */
export type FormProvider = Exclude<AllowedProvider, 'google' | 'microsoft'>;
