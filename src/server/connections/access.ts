import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/server/db/client';
import { calendarConnections, type ConnectionProvider } from '@/server/db/schema';
import { ForbiddenError } from '@/server/errors';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import type { Actor } from '@/server/tenants/actor';
import { getCalendarIntegrationSettings } from '@/server/tenants/settings';

/** The tenant's calendar-integration switch and provider list (DESIGN.md §1) allow this provider. */
export async function assertProviderAllowed(
  db: Executor,
  tenantId: string,
  provider: ConnectionProvider,
): Promise<void> {
  const settings = await getCalendarIntegrationSettings(db, tenantId);
  if (!settings.enabled) {
    throw new ForbiddenError(
      'Calendar connections are turned off for your organisation. An administrator can turn them on in Tenant settings.',
    );
  }
  if (!settings.allowedProviders.includes(provider)) {
    throw new ForbiddenError(`Your organisation does not allow ${PROVIDER_LABELS[provider]} connections.`);
  }
}

/** One of the member's own connections, or null: another user's or tenant's is never found. */
export async function findOwnConnection(
  db: Executor,
  member: Pick<Actor, 'userId' | 'tenantId'>,
  connectionId: string,
): Promise<typeof calendarConnections.$inferSelect | null> {
  const [connection] = await db
    .select()
    .from(calendarConnections)
    .where(
      and(
        eq(calendarConnections.tenantId, member.tenantId),
        eq(calendarConnections.userId, member.userId),
        eq(calendarConnections.id, connectionId),
      ),
    );
  return connection ?? null;
}
