import 'server-only';
import { appDeps } from '@/server/app-deps';
import { currentIdentity } from '@/server/auth/config';
import type { TrpcContext } from './trpc';

/** The context of a real request: the app's parts and the session cookie's identity. */
export async function createRequestContext(): Promise<TrpcContext> {
  const [app, session] = await Promise.all([appDeps(), currentIdentity()]);
  const {
    db,
    now,
    jobs,
    providers,
    keyRing,
    oauthApps,
    allowLoopbackServers,
    hideInternalErrors,
    callLimits,
    enterprise,
    appUrl,
  } = app;
  return {
    db,
    now,
    jobs,
    providers,
    keyRing,
    oauthApps,
    allowLoopbackServers,
    hideInternalErrors,
    callLimits,
    enterprise,
    appUrl,
    session,
  };
}
