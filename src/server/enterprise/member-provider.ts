import type { KeyRing } from '@/server/crypto/secrets';
import type { Executor } from '@/server/db/client';
import type { calendarConnections } from '@/server/db/schema';
import { ProviderAuthRevokedError } from '@/server/providers/errors';
import type { CalendarProvider } from '@/server/providers/types';
import type { EnterpriseAccess } from './access';
import { findEnterpriseRow, openEnterpriseApp } from './secrets';

/**
 * The adapter of a tenant-owned connection (made by bulk add): acts as the member through the
 * tenant's enterprise access as it is now, so a replaced secret applies at once and a removed
 * access stops the connection (it then needs reconnecting, as a revoked grant would).
 */
export async function enterpriseProviderFor(
  db: Executor,
  keys: KeyRing,
  access: EnterpriseAccess,
  connection: Pick<typeof calendarConnections.$inferSelect, 'id' | 'tenantId' | 'enterpriseConnectionId'>,
  subject: string,
): Promise<CalendarProvider> {
  const row = connection.enterpriseConnectionId
    ? await findEnterpriseRow(db, connection.tenantId, { id: connection.enterpriseConnectionId })
    : null;
  if (!row)
    throw new ProviderAuthRevokedError(
      `connection ${connection.id}: your organisation's enterprise access to this calendar was removed`,
    );
  return access.actAs(openEnterpriseApp(keys, row), subject);
}
