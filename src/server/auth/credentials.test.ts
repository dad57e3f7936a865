import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberships, users } from '@/server/db/schema';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, TEST_PASSWORD, type TestTenant } from '@/tests/support/fixtures';
import { verifyCredentials } from './credentials';

let database: TestDatabase;
let tenant: TestTenant;
let tutorEmail: string;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'credentials');
  const [tutor] = await database.db
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, tenant.tutor.userId));
  tutorEmail = tutor?.email ?? '';
});

describe('verifyCredentials', () => {
  it('answers the user and their tenant for the right password', async () => {
    expect(await verifyCredentials(database.db, { email: tutorEmail, password: TEST_PASSWORD })).toEqual({
      id: tenant.tutor.userId,
      email: tutorEmail,
      name: 'credentials tutor',
      tenantId: tenant.tenantId,
    });
  });

  it('treats the email case-insensitively', async () => {
    const shouted = await verifyCredentials(database.db, {
      email: tutorEmail.toUpperCase(),
      password: TEST_PASSWORD,
    });
    expect(shouted?.id).toBe(tenant.tutor.userId);
  });

  it('answers null for a wrong password, including one that differs only in case', async () => {
    expect(
      await verifyCredentials(database.db, { email: tutorEmail, password: 'wrong password' }),
    ).toBeNull();
    expect(
      await verifyCredentials(database.db, { email: tutorEmail, password: TEST_PASSWORD.toUpperCase() }),
    ).toBeNull();
  });

  it('answers null for an unknown email', async () => {
    expect(
      await verifyCredentials(database.db, { email: 'nobody@credentials.test', password: TEST_PASSWORD }),
    ).toBeNull();
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', 'tutor@example.test'],
    ['no password', { email: 'a@b.test' }],
    ['an empty password', { email: 'a@b.test', password: '' }],
    ['not an email', { email: 'tutor', password: TEST_PASSWORD }],
    ['a password of the wrong type', { email: 'a@b.test', password: 12345678 }],
    ['a 10 kB password', { email: 'a@b.test', password: 'x'.repeat(10_240) }],
    ['a NUL in the email', { email: 'tutor\u0000@b.test', password: TEST_PASSWORD }],
  ])('answers null for malformed input: %s', async (_name, input) => {
    expect(await verifyCredentials(database.db, input)).toBeNull();
  });

  it('answers null for a user with no password (identity-provider only) or no tenant', async () => {
    const other = await createTestTenant(database.db, 'credentials-other');
    await database.db.update(users).set({ passwordHash: null }).where(eq(users.id, other.learner.userId));
    await database.db
      .delete(memberships)
      .where(
        and(eq(memberships.tenantId, other.tenantId), eq(memberships.userId, other.otherLearner.userId)),
      );
    for (const member of [other.learner, other.otherLearner]) {
      const [row] = await database.db
        .select({ email: users.email })
        .from(users)
        .where(eq(users.id, member.userId));
      expect(await verifyCredentials(database.db, { email: row?.email, password: TEST_PASSWORD })).toBeNull();
    }
    const [admin] = await database.db
      .select({ email: users.email })
      .from(users)
      .where(eq(users.id, other.admin.userId));
    expect(
      (await verifyCredentials(database.db, { email: admin?.email, password: TEST_PASSWORD }))?.tenantId,
    ).toBe(other.tenantId);
  });
});
