import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { AppDeps } from '@/server/app-deps/types';
import type { Permission, Role } from '@/server/db/schema';
import { findActor, type Actor } from '@/server/tenants/actor';
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
export interface TrpcContext extends Pick<AppDeps, 'db' | 'now' | 'jobs' | 'providers' | 'keyRing' | 'oauthApps' | 'allowLoopbackServers'> {
  session: SessionIdentity | null;
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

export const publicProcedure = t.procedure.use(mapDomainErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  return next({ ctx: { session: ctx.session } });
});

/** Every tenant-scoped procedure gets `ctx.actor`: the member, their tenant, role and permissions. */
export const tenantProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const actor = await findActor(ctx.db, ctx.session);
  if (!actor) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Your membership has ended. Please sign in again.' });
  }
  return next({ ctx: { actor } });
});

export function roleProcedure(...roles: Role[]) {
  return tenantProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.actor.role)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Only ${roles.join(' or ')} users can do this.` });
    }
    return next();
  });
}

export function permissionProcedure(permission: Permission) {
  return tenantProcedure.use(({ ctx, next }) => {
    if (!ctx.actor.permissions.includes(permission)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You do not have permission to do this.' });
    }
    return next();
  });
}

export type { Actor };
