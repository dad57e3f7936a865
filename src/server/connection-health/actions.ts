import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { recordAudit } from '@/server/audit/record-audit';
import { calendarConnections } from '@/server/db/schema';
import { disconnectConnection, requestSync } from '@/server/connections/manage';
import { NotFoundError } from '@/server/errors';
import { announceNotifications, notifyUsers } from '@/server/notifications/notify';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { CONNECTION_NEEDS_REAUTH } from '@/server/sync/connection-health';
import type { Actor } from '@/server/tenants/actor';

/**
 * What an admin with Manage Tenant Settings does from the health table: the member's own
 * services (sync now, disconnect) run for the connection's owner, so the rules are the same ones
 * the member meets; each action is written to the audit log, done or refused.
 */
type Admin = Pick<Actor, 'userId' | 'tenantId'>;

async function tenantConnection(deps: Pick<AppDeps, 'db'>, admin: Admin, connectionId: string) {
  const [connection] = await deps.db
    .select({
      id: calendarConnections.id,
      userId: calendarConnections.userId,
      provider: calendarConnections.provider,
      accountEmail: calendarConnections.accountEmail,
    })
    .from(calendarConnections)
    .where(and(eq(calendarConnections.tenantId, admin.tenantId), eq(calendarConnections.id, connectionId)));
  if (!connection) throw new NotFoundError('Calendar connection not found');
  return connection;
}

type TenantConnection = Awaited<ReturnType<typeof tenantConnection>>;

/** Runs the action; audits it as ok, or as failed with the domain error's sentence (and rethrows). */
async function audited<T>(
  deps: Pick<AppDeps, 'db' | 'now'>,
  admin: Admin,
  connection: TenantConnection,
  action: 'connection.removed' | 'connection.sync_requested' | 'connection.reconnect_requested',
  run: () => Promise<T>,
): Promise<T> {
  const entry = {
    tenantId: admin.tenantId,
    actorUserId: admin.userId,
    action,
    target: {
      userId: connection.userId,
      connectionId: connection.id,
      label: `${PROVIDER_LABELS[connection.provider]} · ${connection.accountEmail}`,
    },
  };
  try {
    const result = await run();
    await recordAudit(deps.db, { ...entry, result: 'ok', at: deps.now() });
    return result;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'Something went wrong.';
    await recordAudit(deps.db, { ...entry, result: 'failed', reason, at: deps.now() });
    throw error;
  }
}

export async function adminSyncNow(
  deps: Pick<AppDeps, 'db' | 'now' | 'jobs'>,
  admin: Admin,
  input: { connectionId: string },
): Promise<{ calendarsQueued: number }> {
  const connection = await tenantConnection(deps, admin, input.connectionId);
  const owner = { userId: connection.userId, tenantId: admin.tenantId };
  return audited(deps, admin, connection, 'connection.sync_requested', () =>
    requestSync(deps, owner, { connectionId: connection.id }),
  );
}

/** Removes the connection as its member would (its mirror goes, every meeting stays). */
export async function adminRemoveConnection(
  deps: Pick<AppDeps, 'db' | 'providers' | 'now' | 'keyRing' | 'oauthApps'>,
  admin: Admin,
  input: { connectionId: string },
): Promise<{ connectionId: string }> {
  const connection = await tenantConnection(deps, admin, input.connectionId);
  const owner = { userId: connection.userId, tenantId: admin.tenantId };
  return audited(deps, admin, connection, 'connection.removed', () =>
    disconnectConnection(deps, owner, { connectionId: connection.id }),
  );
}

/** Tells the member, in the bell and by email as they chose, that this calendar needs reconnecting. */
export async function askToReconnect(
  deps: Pick<AppDeps, 'db' | 'now' | 'jobs'>,
  admin: Admin,
  input: { connectionId: string },
): Promise<{ notified: boolean }> {
  const connection = await tenantConnection(deps, admin, input.connectionId);
  return audited(deps, admin, connection, 'connection.reconnect_requested', async () => {
    const emailed = await notifyUsers(deps.db, admin.tenantId, [connection.userId], CONNECTION_NEEDS_REAUTH, {
      connectionId: connection.id,
      provider: connection.provider,
      accountEmail: connection.accountEmail,
      ownerUserId: connection.userId,
      askedBy: admin.userId,
    });
    await announceNotifications(deps.jobs, admin.tenantId, emailed);
    return { notified: true };
  });
}
