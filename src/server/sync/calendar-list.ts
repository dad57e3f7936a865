import { and, eq, notInArray, sql } from 'drizzle-orm';
import { calendarConnections, calendars } from '@/server/db/schema';
import { NotFoundError } from '@/server/errors';
import { ProviderAuthRevokedError, ProviderError } from '@/server/providers/errors';
import type { ProviderCalendar } from '@/server/providers/types';
import { markConnectionNeedsReauth, recordConnectionError } from './connection-health';
import type { SyncDeps } from './deps';

/**
 * Brings a connection's `calendars` rows in line with the provider's calendar list. The user's
 * choices (show, busy, write target) survive; new calendars start shown and busy; calendars gone
 * at the provider are removed with their mirror (cascade). Revoked access marks the connection
 * `needs_reauth` and removes nothing, then rethrows (retrying cannot help).
 */
export async function refreshCalendarList(
  deps: SyncDeps,
  ref: { tenantId: string; connectionId: string },
): Promise<{ calendarIds: string[] }> {
  const { db } = deps;
  const [connection] = await db
    .select()
    .from(calendarConnections)
    .where(and(eq(calendarConnections.tenantId, ref.tenantId), eq(calendarConnections.id, ref.connectionId)))
    .limit(1);
  if (!connection) throw new NotFoundError('Calendar connection not found');

  let listed: ProviderCalendar[];
  try {
    const provider = await deps.providers.forConnection(db, connection);
    listed = await provider.listCalendars();
  } catch (error) {
    if (error instanceof ProviderAuthRevokedError) await markConnectionNeedsReauth(db, ref, deps.now());
    else if (error instanceof ProviderError) await recordConnectionError(db, ref, error, deps.now());
    throw error;
  }

  const rows = dedupeById(listed).map((calendar) => ({
    tenantId: ref.tenantId,
    connectionId: ref.connectionId,
    externalId: calendar.externalId,
    name: calendar.name,
    color: calendar.color,
    timeZone: calendar.timeZone,
    isPrimary: calendar.isPrimary,
    canWrite: calendar.canWrite,
  }));
  const kept =
    rows.length === 0
      ? []
      : await db
          .insert(calendars)
          .values(rows)
          .onConflictDoUpdate({
            target: [calendars.connectionId, calendars.externalId],
            set: {
              name: sql.raw('excluded.name'),
              color: sql.raw('excluded.color'),
              timeZone: sql.raw('excluded.time_zone'),
              isPrimary: sql.raw('excluded.is_primary'),
              canWrite: sql.raw('excluded.can_write'),
            },
          })
          .returning({ id: calendars.id, isPrimary: calendars.isPrimary, canWrite: calendars.canWrite });

  const keptIds = kept.map((row) => row.id);
  await db
    .delete(calendars)
    .where(
      and(
        eq(calendars.tenantId, ref.tenantId),
        eq(calendars.connectionId, ref.connectionId),
        ...(keptIds.length > 0 ? [notInArray(calendars.id, keptIds)] : []),
      ),
    );

  const target = kept.find((row) => row.isPrimary && row.canWrite);
  if (target)
    await chooseWriteTargetIfNone(deps, {
      tenantId: ref.tenantId,
      userId: connection.userId,
      calendarId: target.id,
    });
  return { calendarIds: keptIds };
}

/** New meetings need somewhere to go: the first primary writable calendar, unless the user chose one. */
async function chooseWriteTargetIfNone(
  deps: SyncDeps,
  ref: { tenantId: string; userId: string; calendarId: string },
): Promise<void> {
  const [existing] = await deps.db
    .select({ id: calendars.id })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(
      and(
        eq(calendars.tenantId, ref.tenantId),
        eq(calendarConnections.tenantId, ref.tenantId),
        eq(calendarConnections.userId, ref.userId),
        eq(calendars.isWriteTarget, true),
      ),
    )
    .limit(1);
  if (existing) return;
  await deps.db
    .update(calendars)
    .set({ isWriteTarget: true })
    .where(and(eq(calendars.tenantId, ref.tenantId), eq(calendars.id, ref.calendarId)));
}

function dedupeById(listed: ProviderCalendar[]): ProviderCalendar[] {
  return [...new Map(listed.map((calendar) => [calendar.externalId, calendar])).values()];
}
