import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { MAX_TRPC_BATCH_SIZE } from '@/trpc/batch-limit';
import { appRouter } from './root';
import type { TrpcContext } from './trpc';

/**
 * `/api/trpc` over fetch, as the route handler serves it: a batch of more than
 * MAX_TRPC_BATCH_SIZE calls is refused whole with a 400 before any call runs.
 */
export function handleTrpcRequest(
  req: Request,
  createContext: () => Promise<TrpcContext> | TrpcContext,
): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext,
    maxBatchSize: MAX_TRPC_BATCH_SIZE,
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`tRPC ${path ?? '?'} failed`, error.cause ?? error);
    },
  });
}
