import superjson, { type SuperJSONResult } from 'superjson';
import { handleTrpcRequest } from '@/server/api/http-handler';
import type { SessionIdentity, TrpcContext } from '@/server/api/trpc';
import type { Database } from '@/server/db/client';
import { testContext } from './api';

/** What a browser would get back: the HTTP status, and the error as the client sees it. */
export interface HttpOutcome {
  status: number;
  /** The tRPC error code (BAD_REQUEST, …), absent on success. */
  code?: string;
  message?: string;
}

interface ErrorShape {
  message: string;
  data: { code: string };
}

/** Sends a mutation through the same handler the app's /api/trpc route uses. */
export function postMutation(
  db: Database,
  session: SessionIdentity | null,
  path: string,
  input: unknown,
  overrides: Partial<Omit<TrpcContext, 'db' | 'session'>> = {},
): Promise<HttpOutcome> {
  return postRaw(db, session, path, JSON.stringify(superjson.serialize(input)), overrides);
}

/** The same with a body of the caller's choosing (e.g. not JSON at all). */
export async function postRaw(
  db: Database,
  session: SessionIdentity | null,
  path: string,
  body: string,
  overrides: Partial<Omit<TrpcContext, 'db' | 'session'>> = {},
): Promise<HttpOutcome> {
  const response = await handleTrpcRequest(
    new Request(`http://tandem.test/api/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
    () => testContext(db, session, overrides),
  );
  const payload = (await response.json()) as { error?: SuperJSONResult };
  if (!payload.error) return { status: response.status };
  const error = superjson.deserialize<ErrorShape>(payload.error);
  return { status: response.status, code: error.data.code, message: error.message };
}
