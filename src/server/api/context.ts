import 'server-only';
import { currentIdentity } from '@/server/auth/config';
import { providerRegistryFromEnv } from '@/server/connections/provider-registry-from-env';
import { keyRingFromEnv } from '@/server/crypto/keyring-from-env';
import { getDb } from '@/server/db';
import { getJobDispatcher } from '@/server/jobs/dispatcher';
import type { JobDispatcher } from '@/server/jobs/events';
import type { TrpcContext } from './trpc';

const providers = providerRegistryFromEnv();
// Resolved on first send: a request that sends no job never needs the jobs backend configured.
const jobs: JobDispatcher = { send: (events) => getJobDispatcher().send(events) };

/** The context of a real request: the app's database, the session cookie's identity, jobs and providers. */
export async function createRequestContext(): Promise<TrpcContext> {
  const [db, session] = await Promise.all([getDb(), currentIdentity()]);
  return { db, session, now: () => new Date(), jobs, providers, keyRing: () => keyRingFromEnv() };
}
