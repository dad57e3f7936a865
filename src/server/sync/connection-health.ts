import { and, arrayContains, eq, ne, or } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { calendarConnections, calendars, memberships } from '@/server/db/schema';
import { notifyUsers, type NotificationKind } from '@/server/notifications/notify';
import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderNotFoundError,
  ProviderProtocolError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '@/server/providers/errors';

/** Notification kinds about connections (the bell shows them; payload names the connection). */
export const CONNECTION_NEEDS_REAUTH = 'connection_needs_reauth' satisfies NotificationKind;

/**
 * The connections background sync may call: working ones and those whose last run failed (they
 * are retried). One that needs reconnecting is left alone until its owner reconnects it.
 */
export function connectionMaySync() {
  return or(eq(calendarConnections.status, 'active'), eq(calendarConnections.status, 'error'));
}

interface ConnectionRef {
  tenantId: string;
  connectionId: string;
}

/**
 * Access was revoked: the connection waits for the user to reconnect. The owner and the tenant's
 * admins (manage_tenant_settings) are told once, when the status flips; nothing is deleted, so the
 * mirror and Tandem's meetings stay as they were (DESIGN.md §4 rule 6).
 */
export async function markConnectionNeedsReauth(db: Executor, ref: ConnectionRef, at: Date): Promise<void> {
  const lastError =
    'Access to this calendar account was revoked or has expired. Reconnect it to resume syncing.';
  const flipped = await db
    .update(calendarConnections)
    .set({ status: 'needs_reauth', lastError, updatedAt: at })
    .where(
      and(
        eq(calendarConnections.tenantId, ref.tenantId),
        eq(calendarConnections.id, ref.connectionId),
        ne(calendarConnections.status, 'needs_reauth'),
      ),
    )
    .returning({
      userId: calendarConnections.userId,
      provider: calendarConnections.provider,
      accountEmail: calendarConnections.accountEmail,
    });
  // A second run (or a second calendar of the same connection) finds it flipped already.
  const connection = flipped[0];
  if (!connection) return;
  const admins = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.tenantId, ref.tenantId),
        arrayContains(memberships.permissions, ['manage_tenant_settings']),
      ),
    );
  const recipients = new Set([connection.userId, ...admins.map((admin) => admin.userId)]);
  const payload = {
    connectionId: ref.connectionId,
    provider: connection.provider,
    accountEmail: connection.accountEmail,
    ownerUserId: connection.userId,
  };
  await notifyUsers(db, ref.tenantId, [...recipients], CONNECTION_NEEDS_REAUTH, payload);
}

/** A failed sync: the connection and the calendar carry a reason a person can act on. */
export async function recordConnectionError(
  db: Executor,
  ref: ConnectionRef & { calendarId?: string },
  error: unknown,
  at: Date,
): Promise<string> {
  const reason = describeSyncError(error);
  await db
    .update(calendarConnections)
    .set({ lastError: reason, updatedAt: at })
    .where(and(eq(calendarConnections.tenantId, ref.tenantId), eq(calendarConnections.id, ref.connectionId)));
  if (ref.calendarId) {
    await db
      .update(calendars)
      .set({ syncState: 'error', lastError: reason })
      .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)));
  }
  return reason;
}

/** A sync went through: clear any previous error; a reconnected connection becomes active again. */
export async function recordConnectionSynced(
  db: Executor,
  ref: ConnectionRef & { calendarId?: string },
  at: Date,
): Promise<void> {
  await db
    .update(calendarConnections)
    .set({ status: 'active', lastError: null, lastSyncedAt: at, updatedAt: at })
    .where(and(eq(calendarConnections.tenantId, ref.tenantId), eq(calendarConnections.id, ref.connectionId)));
  if (ref.calendarId) {
    await db
      .update(calendars)
      .set({ syncState: 'ready', lastError: null, lastSyncedAt: at })
      .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)));
  }
}

/** Plain-language reasons for the settings page; the technical detail stays in the logs. */
export function describeSyncError(error: unknown): string {
  if (error instanceof ProviderAuthRevokedError)
    return 'Access to this calendar account was revoked. Reconnect it.';
  if (error instanceof ProviderRateLimitedError)
    return 'The calendar service asked us to slow down; syncing will resume shortly.';
  if (error instanceof ProviderUnavailableError)
    return 'The calendar service could not be reached; we will try again shortly.';
  if (error instanceof ProviderNotFoundError)
    return 'This calendar no longer exists at the provider or is no longer shared with you.';
  if (error instanceof CursorExpiredError)
    return 'The calendar needed a full refresh; it will be re-imported.';
  if (error instanceof ProviderConflictError)
    return 'The calendar changed while we were syncing; we will try again.';
  if (error instanceof ProviderBadRequestError)
    return 'The calendar service refused our request; we have been told.';
  if (error instanceof ProviderProtocolError)
    return 'The calendar service sent an answer we could not read; we have been told.';
  return 'Syncing failed for an unexpected reason; we will try again.';
}
