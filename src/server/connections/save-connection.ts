import { sql } from 'drizzle-orm';
import { requestDeliveryAfterReconnect } from '@/server/convergence/reconnected-calendar';
import { forgetLostCalendars } from '@/server/convergence/unreachable-calendars';
import type { Executor } from '@/server/db/client';
import { calendarConnections, type ConnectionProvider } from '@/server/db/schema';
import type { JobDispatcher } from '@/server/jobs/events';
import type { Actor } from '@/server/tenants/actor';

export interface ConnectionToSave {
  provider: ConnectionProvider;
  /** Lower-cased: with the member and the provider, what tells two accounts apart. */
  accountEmail: string;
  /** Null keeps the name stored for the account, if any. */
  displayName: string | null;
  encryptedCredentials: string;
}

/**
 * Stores a connected account for the member: a new connection, or the one already stored for
 * this account (a reconnect) with the new credentials and active again. Then asks for its import,
 * and for the delivery of meetings that were waiting for it.
 */
export async function saveConnection(
  deps: { db: Executor; jobs: JobDispatcher; now: () => Date },
  member: Pick<Actor, 'userId' | 'tenantId'>,
  connection: ConnectionToSave,
): Promise<{ connectionId: string }> {
  const now = deps.now();
  const [saved] = await deps.db
    .insert(calendarConnections)
    .values({
      tenantId: member.tenantId,
      userId: member.userId,
      ...connection,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [
        calendarConnections.tenantId,
        calendarConnections.userId,
        calendarConnections.provider,
        calendarConnections.accountEmail,
      ],
      set: {
        encryptedCredentials: connection.encryptedCredentials,
        displayName: sql`coalesce(excluded.display_name, ${calendarConnections.displayName})`,
        status: 'active',
        lastError: null,
        updatedAt: now,
      },
    })
    .returning({ id: calendarConnections.id });
  if (!saved) throw new Error('connection upsert returned no row');
  await forgetLostCalendars(deps.db, {
    ...member,
    provider: connection.provider,
    accountEmail: connection.accountEmail,
  });
  await deps.jobs.send({
    name: 'tandem/connection.added',
    data: { tenantId: member.tenantId, connectionId: saved.id },
  });
  // A reconnect: meetings that waited for this calendar are delivered now (a new connection has none).
  await requestDeliveryAfterReconnect(deps, { tenantId: member.tenantId, connectionId: saved.id });
  return { connectionId: saved.id };
}
