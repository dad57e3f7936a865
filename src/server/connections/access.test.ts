import { beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError } from '@/server/errors';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { assertProviderAllowed } from './access';

let database: TestDatabase;
let tenant: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'access');
  await enableCalendarIntegration(database.db, tenant.tenantId, ['caldav']);
});

describe('assertProviderAllowed', () => {
  it('names a refused provider as the settings page does', async () => {
    const refusal = assertProviderAllowed(database.db, tenant.tenantId, 'google');
    await expect(refusal).rejects.toThrow(ForbiddenError);
    await expect(refusal).rejects.toThrow('Your organisation does not allow Google Calendar connections.');
    await expect(assertProviderAllowed(database.db, tenant.tenantId, 'caldav')).resolves.toBeUndefined();
  });
});
