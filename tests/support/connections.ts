import { eq } from 'drizzle-orm';
import { encryptCredentials } from '@/server/connections/credentials';
import type { KeyRing } from '@/server/crypto/secrets';
import type { Database } from '@/server/db/client';
import {
  calendarConnections,
  calendars,
  externalEvents,
  syncCursors,
  CONNECTION_PROVIDERS,
  tenants,
  type ConnectionProvider,
} from '@/server/db/schema';
import { TEST_KEY_RING } from './api';

/** Turns the tenant's calendar integration on (with the given providers allowed, default all). */
export async function enableCalendarIntegration(
  db: Database,
  tenantId: string,
  allowedProviders: ConnectionProvider[] = [...CONNECTION_PROVIDERS],
): Promise<void> {
  await db
    .update(tenants)
    .set({ calendarIntegrationEnabled: true, allowedProviders })
    .where(eq(tenants.id, tenantId));
}

export interface SeededConnection {
  connectionId: string;
  /** Primary, writable, the member's write target. */
  writableCalendarId: string;
  readOnlyCalendarId: string;
  eventId: string;
}

/**
 * A CalDAV connection as an import would leave it, written straight to the database: two
 * calendars, a cursor and one mirrored event. Its server does not exist; the API suites' stub
 * registry answers for it.
 */
export async function seedConnection(
  db: Database,
  member: { userId: string; tenantId: string },
  label: string,
  keys: KeyRing = TEST_KEY_RING,
): Promise<SeededConnection> {
  const { tenantId } = member;
  const [connection] = await db
    .insert(calendarConnections)
    .values({
      tenantId,
      userId: member.userId,
      provider: 'caldav',
      accountEmail: `${label}@dav.example.test`,
      displayName: `${label} CalDAV`,
      encryptedCredentials: encryptCredentials(keys, {
        kind: 'caldav',
        serverUrl: 'https://dav.example.test/',
        username: label,
        password: `${label}-password`,
        email: `${label}@dav.example.test`,
      }),
      lastSyncedAt: new Date('2026-03-01T08:00:00Z'),
    })
    .returning({ id: calendarConnections.id });
  if (!connection) throw new Error('no connection row');
  const rows = await db
    .insert(calendars)
    .values([
      {
        tenantId,
        connectionId: connection.id,
        externalId: `${label}/work/`,
        name: `${label} work`,
        isPrimary: true,
        canWrite: true,
        isWriteTarget: true,
        syncState: 'ready' as const,
      },
      {
        tenantId,
        connectionId: connection.id,
        externalId: `${label}/holidays/`,
        name: `${label} holidays`,
        canWrite: false,
        syncState: 'ready' as const,
      },
    ])
    .returning({ id: calendars.id, canWrite: calendars.canWrite });
  const writable = rows.find((row) => row.canWrite);
  const readOnly = rows.find((row) => !row.canWrite);
  if (!writable || !readOnly) throw new Error('calendars missing');
  await db.insert(syncCursors).values({ calendarId: writable.id, tenantId, cursor: `${label}-sync-token` });
  const [event] = await db
    .insert(externalEvents)
    .values({
      tenantId,
      calendarId: writable.id,
      externalId: `${label}-event.ics`,
      status: 'confirmed',
      title: `${label} dentist`,
      startAt: new Date('2026-03-03T09:00:00Z'),
      endAt: new Date('2026-03-03T10:00:00Z'),
    })
    .returning({ id: externalEvents.id });
  if (!event) throw new Error('no event row');
  return {
    connectionId: connection.id,
    writableCalendarId: writable.id,
    readOnlyCalendarId: readOnly.id,
    eventId: event.id,
  };
}
