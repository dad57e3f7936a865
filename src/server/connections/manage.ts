import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import { rememberLostCalendars } from '@/server/convergence/unreachable-calendars';
import type { AppDeps } from '@/server/app-deps/types';
import type { Database, Executor } from '@/server/db/client';
import {
  CONNECTION_PROVIDERS,
  calendarConnections,
  calendars,
  type CalendarSyncState,
  type ConnectionProvider,
  type ConnectionStatus,
} from '@/server/db/schema';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@/server/errors';
import type { JobDispatcher } from '@/server/jobs/events';
import { stopConnectionChannels } from '@/server/sync/push-channels';
import type { Actor } from '@/server/tenants/actor';
import { getCalendarIntegrationSettings } from '@/server/tenants/settings';
import { assertProviderAllowed, findOwnConnection } from './access';
import { decryptCredentials } from './credentials';
import type { CalendarPreferences } from './inputs';
import { isOAuthProvider } from './provider-apps';
import type { ConnectionRow } from './provider-registry';

type Member = Pick<Actor, 'userId' | 'tenantId'>;

export interface CalendarView {
  id: string;
  name: string;
  color: string | null;
  show: boolean;
  busy: boolean;
  isWriteTarget: boolean;
  canWrite: boolean;
  syncState: CalendarSyncState;
  lastSyncedAt: Date | null;
  lastError: string | null;
}

export interface ConnectionView {
  id: string;
  provider: ConnectionProvider;
  accountEmail: string;
  displayName: string | null;
  status: ConnectionStatus;
  lastError: string | null;
  lastSyncedAt: Date | null;
  /** Made by the tenant's enterprise access (bulk add): the member cannot remove it, an admin can. */
  connectedByOrganisation: boolean;
  calendars: CalendarView[];
}

export interface ConnectionsOverview {
  /** The tenant has the calendar integration on. */
  enabled: boolean;
  /** Providers the tenant allows a member to connect. */
  allowedProviders: ConnectionProvider[];
  connections: ConnectionView[];
}

const calendarColumns = {
  id: calendars.id,
  connectionId: calendars.connectionId,
  name: calendars.name,
  color: calendars.color,
  show: calendars.show,
  busy: calendars.busy,
  isWriteTarget: calendars.isWriteTarget,
  canWrite: calendars.canWrite,
  syncState: calendars.syncState,
  lastSyncedAt: calendars.lastSyncedAt,
  lastError: calendars.lastError,
};

/** The member's own connections and their calendars (never credentials), for Account settings. */
export async function listConnections(db: Executor, member: Member): Promise<ConnectionsOverview> {
  const settings = await getCalendarIntegrationSettings(db, member.tenantId);
  const connections = await db
    .select({
      id: calendarConnections.id,
      provider: calendarConnections.provider,
      accountEmail: calendarConnections.accountEmail,
      displayName: calendarConnections.displayName,
      status: calendarConnections.status,
      lastError: calendarConnections.lastError,
      lastSyncedAt: calendarConnections.lastSyncedAt,
      enterpriseConnectionId: calendarConnections.enterpriseConnectionId,
    })
    .from(calendarConnections)
    .where(
      and(eq(calendarConnections.tenantId, member.tenantId), eq(calendarConnections.userId, member.userId)),
    )
    .orderBy(asc(calendarConnections.createdAt), asc(calendarConnections.id));
  const rows =
    connections.length === 0
      ? []
      : await db
          .select(calendarColumns)
          .from(calendars)
          .where(
            and(
              eq(calendars.tenantId, member.tenantId),
              inArray(
                calendars.connectionId,
                connections.map((connection) => connection.id),
              ),
            ),
          )
          .orderBy(desc(calendars.isPrimary), asc(calendars.name), asc(calendars.id));
  return {
    enabled: settings.enabled,
    allowedProviders: CONNECTION_PROVIDERS.filter((provider) => settings.allowedProviders.includes(provider)),
    connections: connections.map(({ enterpriseConnectionId, ...connection }) => ({
      ...connection,
      connectedByOrganisation: enterpriseConnectionId !== null,
      calendars: rows
        .filter((row) => row.connectionId === connection.id)
        .map(({ connectionId: _, ...calendar }) => calendar),
    })),
  };
}

/**
 * Whether a calendar is shown, counts as busy, and is the write target (where Tandem will write
 * meetings once it writes to providers). A member has one write target at most: choosing one
 * clears the others in the same transaction.
 */
export async function updateCalendarPreferences(
  db: Database,
  member: Member,
  input: CalendarPreferences,
): Promise<CalendarView> {
  return db.transaction(async (tx) => {
    // Locking the member's connections serialises concurrent choices of a write target.
    const own = await tx
      .select({ id: calendarConnections.id })
      .from(calendarConnections)
      .where(
        and(eq(calendarConnections.tenantId, member.tenantId), eq(calendarConnections.userId, member.userId)),
      )
      .for('update');
    const ownIds = own.map((connection) => connection.id);
    const [calendar] =
      ownIds.length === 0
        ? []
        : await tx
            .select(calendarColumns)
            .from(calendars)
            .where(
              and(
                eq(calendars.tenantId, member.tenantId),
                eq(calendars.id, input.calendarId),
                inArray(calendars.connectionId, ownIds),
              ),
            );
    if (!calendar) throw new NotFoundError('Calendar not found');
    if (input.isWriteTarget && !calendar.canWrite) {
      throw new InvalidInputError(
        `The calendar “${calendar.name}” is read-only, so it cannot receive new meetings. Choose another one.`,
      );
    }
    if (input.isWriteTarget) {
      await tx
        .update(calendars)
        .set({ isWriteTarget: false })
        .where(
          and(
            eq(calendars.tenantId, member.tenantId),
            inArray(calendars.connectionId, ownIds),
            eq(calendars.isWriteTarget, true),
            ne(calendars.id, calendar.id),
          ),
        );
    }
    const [updated] = await tx
      .update(calendars)
      .set({
        ...(input.show === undefined ? {} : { show: input.show }),
        ...(input.busy === undefined ? {} : { busy: input.busy }),
        ...(input.isWriteTarget === undefined ? {} : { isWriteTarget: input.isWriteTarget }),
      })
      .where(and(eq(calendars.tenantId, member.tenantId), eq(calendars.id, calendar.id)))
      .returning(calendarColumns);
    if (!updated) throw new NotFoundError('Calendar not found');
    const { connectionId: _, ...view } = updated;
    return view;
  });
}

async function getOwnConnection(db: Executor, member: Member, connectionId: string) {
  const connection = await findOwnConnection(db, member, connectionId);
  if (!connection) throw new NotFoundError('Calendar connection not found');
  return connection;
}

/**
 * "Sync now": one manual sync request per calendar of the connection; a connection whose calendar
 * list was never read (or has none) gets its list refreshed and imported instead.
 */
export async function requestSync(
  deps: { db: Executor; jobs: JobDispatcher },
  member: Member,
  input: { connectionId: string },
): Promise<{ calendarsQueued: number }> {
  const connection = await getOwnConnection(deps.db, member, input.connectionId);
  await assertProviderAllowed(deps.db, member.tenantId, connection.provider);
  if (connection.status === 'needs_reauth') {
    throw new ConflictError('This calendar needs reconnecting before it can sync. Use Reconnect.');
  }
  const rows = await deps.db
    .select({ id: calendars.id })
    .from(calendars)
    .where(and(eq(calendars.tenantId, member.tenantId), eq(calendars.connectionId, connection.id)));
  if (rows.length === 0) {
    await deps.jobs.send({
      name: 'tandem/connection.added',
      data: { tenantId: member.tenantId, connectionId: connection.id },
    });
    return { calendarsQueued: 0 };
  }
  await deps.jobs.send(
    rows.map((row) => ({
      name: 'tandem/calendar.sync-requested' as const,
      data: {
        tenantId: member.tenantId,
        calendarId: row.id,
        connectionId: connection.id,
        reason: 'manual' as const,
      },
    })),
  );
  return { calendarsQueued: rows.length };
}

/**
 * Disconnects: stops the push channels (best effort), deletes the connection (its calendars,
 * cursors and mirrored events go with it by cascade), then revokes the provider's grant (best
 * effort). Tandem's own meetings are not touched; they say which of their copies it no longer updates.
 */
export async function disconnectConnection(
  deps: Pick<AppDeps, 'db' | 'providers' | 'now' | 'keyRing' | 'oauthApps'>,
  member: Member,
  input: { connectionId: string },
): Promise<{ connectionId: string }> {
  const connection = await getOwnConnection(deps.db, member, input.connectionId);
  if (connection.enterpriseConnectionId) {
    throw new ForbiddenError(
      'This calendar was connected by your organisation. Only an administrator can remove it; you can still choose what is shown and busy.',
    );
  }
  await removeConnection(deps, connection);
  return { connectionId: connection.id };
}

/**
 * Removes a connection the caller may remove (their own, or a tenant-owned one for an admin):
 * push channels stopped, links remembered on the meetings, the row and its mirror deleted, the
 * grant revoked. Meetings stay.
 */
export async function removeConnection(
  deps: Pick<AppDeps, 'db' | 'providers' | 'now' | 'keyRing' | 'oauthApps'>,
  connection: ConnectionRow,
): Promise<void> {
  const where = { tenantId: connection.tenantId, connectionId: connection.id };
  await stopConnectionChannels(deps, where);
  // Its links go with it: the meetings remember which of their copies Tandem no longer updates.
  await rememberLostCalendars(deps.db, where, deps.now());
  await deps.db
    .delete(calendarConnections)
    .where(
      and(
        eq(calendarConnections.tenantId, connection.tenantId),
        eq(calendarConnections.userId, connection.userId),
        eq(calendarConnections.id, connection.id),
      ),
    );
  await revokeGrant(deps, connection);
}

/**
 * Asks the provider to end Tandem's access to the account, so a disconnected calendar is not left
 * readable with a token Tandem no longer holds. A failure is logged and never undoes the
 * disconnect: the user can still remove the app in the provider's account settings.
 */
async function revokeGrant(
  deps: Pick<AppDeps, 'keyRing' | 'oauthApps'>,
  connection: ConnectionRow,
): Promise<void> {
  const app = isOAuthProvider(connection.provider) ? deps.oauthApps[connection.provider] : null;
  if (!app) return;
  try {
    const credentials = decryptCredentials(deps.keyRing(), connection.encryptedCredentials);
    if (credentials.kind === 'oauth') await app.revoke(credentials.refreshToken ?? credentials.accessToken);
  } catch (error) {
    console.warn(`[connections] revoking the grant of connection ${connection.id} failed:`, error);
  }
}
