import 'server-only';
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cache, type ReactNode } from 'react';
import { createRequestContext } from '@/server/api/context';
import { appRouter } from '@/server/api/root';
import { requireSignedIn } from '@/server/auth/session-profile';
import { makeQueryClient } from './query-client';

export const getQueryClient = cache(makeQueryClient);
const getContext = cache(createRequestContext);

/** Server components prefetch through the same procedures the browser calls. */
export const trpc = createTRPCOptionsProxy({
  ctx: getContext,
  router: appRouter,
  queryClient: getQueryClient,
});

/** A direct caller, for server components that need the data themselves. */
export async function serverCaller() {
  return appRouter.createCaller(await getContext());
}

/**
 * Seeds `me.profile` with the profile the (app) layout already loaded for this request, instead
 * of a second authentication and the same queries through the tRPC caller.
 */
export async function seedSignedInProfile(): Promise<void> {
  const { profile } = await requireSignedIn();
  getQueryClient().setQueryData(trpc.me.profile.queryKey(), profile);
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
