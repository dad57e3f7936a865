import { TRPCError } from '@trpc/server';
import { appRouter, createCaller } from '@/server/api/root';
import type { SessionIdentity, TrpcContext } from '@/server/api/trpc';
import { generateKeySpec, parseKeyRing } from '@/server/crypto/secrets';
import type { Database } from '@/server/db/client';
import { createEnterpriseAccess } from '@/server/enterprise/access';
import { unlimitedCalls } from '@/server/security/call-limits';
import { RecordingDispatcher } from './recording-dispatcher';
import { stubProviderRegistry } from './stub-providers';

export type ProcedureType = 'query' | 'mutation' | 'subscription';

export interface ProcedureInfo {
  path: string;
  type: ProcedureType;
}

/** Every procedure of the app router, by dotted path: tests iterate this, so new ones are noticed. */
export function listProcedures(): ProcedureInfo[] {
  return Object.entries(appRouter._def.procedures)
    .map(([path, procedure]) => ({
      path,
      type: (procedure as unknown as { _def: { type: ProcedureType } })._def.type,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function listMutationPaths(): string[] {
  return listProcedures()
    .filter((procedure) => procedure.type === 'mutation')
    .map((procedure) => procedure.path);
}

export const TEST_NOW = new Date('2026-03-02T08:00:00Z');

/** The key ring of this test process (what TANDEM_ENCRYPTION_KEYS gives the app). */
export const TEST_KEY_RING = parseKeyRing(generateKeySpec('test'));

/** Jobs the API suites' procedures sent (nothing runs them). */
export const testJobs = new RecordingDispatcher();

/**
 * The context a request gets, with test parts: the fixed clock, a recording dispatcher, the
 * stub provider registry, the test key ring and no call limits; `overrides` swaps any of them.
 */
export function testContext(
  db: Database,
  session: SessionIdentity | null,
  overrides: Partial<Omit<TrpcContext, 'db' | 'session'>> = {},
): TrpcContext {
  return {
    db,
    session,
    now: () => TEST_NOW,
    jobs: testJobs,
    providers: stubProviderRegistry(TEST_KEY_RING),
    keyRing: () => TEST_KEY_RING,
    oauthApps: { google: null, microsoft: null },
    // As outside production: the suites' CalDAV servers are on loopback.
    allowLoopbackServers: true,
    hideInternalErrors: false,
    // The suites call hundreds of procedures as one user; the limits have their own tests.
    callLimits: unlimitedCalls,
    // Enterprise access to a closed local port (fails at once) unless a suite passes the emulator's.
    enterprise: createEnterpriseAccess({
      microsoft: { graphBaseUrl: 'https://127.0.0.1:9', authorityBaseUrl: 'https://127.0.0.1:9' },
    }),
    appUrl: 'http://127.0.0.1:3000',
    ...overrides,
  };
}

export function sessionOf(member: { userId: string; tenantId: string }): SessionIdentity {
  return { userId: member.userId, tenantId: member.tenantId };
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: TRPCError };

/**
 * Calls a procedure by its dotted path through the server-side caller, as `session` (null:
 * anonymous). Resolves with the value or the TRPCError; anything else is rethrown.
 */
export async function callProcedure(
  db: Database,
  session: SessionIdentity | null,
  path: string,
  input: unknown,
  overrides: Partial<Omit<TrpcContext, 'db' | 'session'>> = {},
): Promise<Outcome> {
  const caller = createCaller(testContext(db, session, overrides));
  let target: unknown = caller;
  for (const key of path.split('.')) target = (target as Record<string, unknown>)[key];
  if (typeof target !== 'function') throw new Error(`no procedure at ${path}`);
  try {
    return { ok: true, value: await (target as (input: unknown) => Promise<unknown>)(input) };
  } catch (error) {
    if (error instanceof TRPCError) return { ok: false, error };
    throw error;
  }
}

/** The outcome as a string for assertion messages, with the causes of an unexpected error. */
export function describeOutcome(outcome: Outcome): string {
  if (outcome.ok) return 'ok';
  const causes: string[] = [];
  for (let cause: unknown = outcome.error.cause; cause instanceof Error; cause = cause.cause)
    causes.push(cause.message);
  const detail = outcome.error.code === 'INTERNAL_SERVER_ERROR' ? causes.map((c) => ` ← ${c}`).join('') : '';
  return `${outcome.error.code}: ${outcome.error.message}${detail}`;
}
