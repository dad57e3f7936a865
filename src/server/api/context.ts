import 'server-only';
import { currentIdentity } from '@/server/auth/config';
import { getDb } from '@/server/db';
import type { TrpcContext } from './trpc';

/** The context of a real request: the app's database and the session cookie's identity. */
export async function createRequestContext(): Promise<TrpcContext> {
  const [db, session] = await Promise.all([getDb(), currentIdentity()]);
  return { db, session, now: () => new Date() };
}
