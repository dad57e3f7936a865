import { beforeAll, describe, expect, it } from 'vitest';
import { sessionOf } from '@/tests/support/api';
import { enableCalendarIntegration } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { postMutation } from '@/tests/support/http';

let database: TestDatabase;
let tenant: TestTenant;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'internal-errors');
  await enableCalendarIntegration(database.db, tenant.tenantId);
});

/** A CalDAV connect whose key ring fails with a plain Error: a bug, which surfaces as a 500. */
function connectWithBrokenKeyRing(hideInternalErrors: boolean) {
  const input = { kind: 'caldav', serverUrl: 'http://127.0.0.1:9/dav/', username: 'sam', password: 'secret' };
  const keyRing = () => {
    throw new Error('key file /srv/tandem/keys is unreadable');
  };
  return postMutation(database.db, sessionOf(tenant.learner), 'connections.connectCalDav', input, {
    keyRing,
    hideInternalErrors,
  });
}

describe('unexpected errors over HTTP', () => {
  it('keep their detail out of the browser in production', async () => {
    expect(await connectWithBrokenKeyRing(true)).toEqual({
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'Something went wrong on our side. Please try again.',
    });
  });

  it('show it elsewhere, for the developer', async () => {
    const outcome = await connectWithBrokenKeyRing(false);
    expect(outcome).toMatchObject({ status: 500, code: 'INTERNAL_SERVER_ERROR' });
    expect(outcome.message).toContain('/srv/tandem/keys is unreadable');
  });
});
