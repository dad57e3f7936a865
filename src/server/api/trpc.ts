import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { AppDeps } from '@/server/app-deps/types';
import { ringCalendarBell } from '@/server/calendar/change-bell';
import type { Permission, Role } from '@/server/db/schema';
import { findActor, hasPermission, type Actor } from '@/server/tenants/actor';
import { isDomainError, toTrpcError } from './errors';

/** Who is calling, as established by the session cookie (or by a test). */
export interface SessionIdentity {
  userId: string;
  tenantId: string;
}

/**
 * What a procedure gets: the caller's identity and the app's parts the routers hand to services
 * (from `appDeps()` in a request, test parts in the suites).
 */
export interface TrpcContext extends Pick<
  AppDeps,
  | 'db'
  | 'now'
  | 'jobs'
  | 'providers'
  | 'keyRing'
  | 'oauthApps'
  | 'allowLoopbackServers'
  | 'callLimits'
  | 'enterprise'
  | 'appUrl'
> {
  session: SessionIdentity | null;
  /** Where Exchange Autodiscover is tried for a domain; Microsoft's two URLs unless a test points them elsewhere. */
  autodiscoverCandidates?: (domain: string) => string[];
  /** In production an unexpected error reaches the browser as a plain sentence (the log keeps the detail). */
  hideInternalErrors: boolean;
}

/** Per-field messages for forms, from input validation failures. */
export interface FieldErrors {
  formErrors: string[];
  fieldErrors: Record<string, string[] | undefined>;
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    const zodError: FieldErrors | null = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    // Unexpected errors keep their detail in the server log, not in the browser.
    const message =
      error.code === 'INTERNAL_SERVER_ERROR' && (ctx?.hideInternalErrors ?? true)
        ? 'Something went wrong on our side. Please try again.'
        : zodError
          ? describeZodError(error.cause as ZodError)
          : shape.message;
    return { ...shape, message, data: { ...shape.data, zodError } };
  },
});

function describeZodError(error: ZodError): string {
  const first = error.issues[0];
  if (!first) return 'Invalid input';
  const where = first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  return `Invalid input — ${where}${first.message}`;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDomainError(result.error.cause)) throw toTrpcError(result.error.cause);
  return result;
});

/** After a mutation, the caller's tenant's open Calendar pages look for changes (change-bell.ts). */
const ringAfterMutation = t.middleware(async ({ ctx, type, next }) => {
  const result = await next();
  if (type === 'mutation' && result.ok && ctx.session) ringCalendarBell(ctx.session.tenantId);
  return result;
});

export const publicProcedure = t.procedure.use(mapDomainErrors).use(ringAfterMutation);

export const authedProcedure = publicProcedure.use(({ ctx, type, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  const budget = ctx.callLimits.take(ctx.session.userId, type, ctx.now());
  if (!budget.allowed) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many requests. Try again in ${budget.retryAfterSeconds} seconds.`,
    });
  }
  return next({ ctx: { session: ctx.session } });
});

/** Every tenant-scoped procedure gets `ctx.actor`: the member, their tenant, role and permissions. */
export const tenantProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const actor = await findActor(ctx.db, ctx.session);
  if (!actor) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'Your membership has ended. Please sign in again.',
    });
  }
  return next({ ctx: { actor } });
});

/** Members whose role passes a domain rule (such as `canOrganize`), refused with that rule's sentence. */
export function roleProcedure(allowed: (role: Role) => boolean, refusal: string) {
  return tenantProcedure.use(({ ctx, next }) => {
    if (!allowed(ctx.actor.role)) throw new TRPCError({ code: 'FORBIDDEN', message: refusal });
    return next();
  });
}

export function permissionProcedure(permission: Permission) {
  return tenantProcedure.use(({ ctx, next }) => {
    if (!hasPermission(ctx.actor, permission)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You do not have permission to do this.' });
    }
    return next();
  });
}

export type { Actor };
