/**
 * Sign-out ends the session: the JWT Auth.js keeps in the cookie is only honoured while its
 * server-side session lives. Sign-out, a password change, a role or permission change and the end
 * of a membership end it (the last three by database triggers, whatever code makes the change).
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { memberships, sessions, users } from '@/server/db/schema';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { hashPassword } from './passwords';
import { SESSION_MAX_AGE_SECONDS, sessionCallbacks, type SessionToken } from './sessions';

let database: TestDatabase;
let tenant: TestTenant;
let clock = new Date('2026-03-02T08:00:00Z');
const callbacks = () => sessionCallbacks(database.db, () => clock);

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'sessions');
});

/** What Auth.js does at sign-in: the JWT callback with the user authorize answered. */
async function signIn(member: { userId: string; tenantId: string }): Promise<SessionToken> {
  const token = await callbacks().jwt({
    token: { name: 'x' },
    user: { id: member.userId, tenantId: member.tenantId },
  });
  if (!token) throw new Error('sign-in made no token');
  return token;
}

/** What Auth.js does on every later request: the JWT callback with the decoded cookie. */
async function honoured(token: SessionToken): Promise<boolean> {
  return (await callbacks().jwt({ token })) !== null;
}

describe('server-side sessions behind the JWT', () => {
  it('a signed-in token is honoured, and holds the user, tenant and a session id', async () => {
    const token = await signIn(tenant.learner);
    expect(token).toMatchObject({
      sub: tenant.learner.userId,
      tenantId: tenant.tenantId,
      sid: expect.any(String),
    });
    expect(await honoured(token)).toBe(true);
  });

  it('sign-out ends that session (the same cookie replayed is signed out) and no other', async () => {
    const [laptop, phone] = [await signIn(tenant.learner), await signIn(tenant.learner)];
    await callbacks().signOut({ token: laptop });
    expect(await honoured(laptop)).toBe(false);
    expect(await honoured(phone)).toBe(true);
  });

  it('a password change ends every session of the user', async () => {
    const [mine, theirs] = [await signIn(tenant.otherLearner), await signIn(tenant.tutor)];
    await database.db
      .update(users)
      .set({ passwordHash: await hashPassword('a new password') })
      .where(eq(users.id, tenant.otherLearner.userId));
    expect(await honoured(mine)).toBe(false);
    expect(await honoured(theirs)).toBe(true);
    // Other profile changes do not sign anyone out.
    const next = await signIn(tenant.otherLearner);
    await database.db.update(users).set({ name: 'Renamed' }).where(eq(users.id, tenant.otherLearner.userId));
    expect(await honoured(next)).toBe(true);
  });

  it('a role or permission change, or the end of the membership, ends every session of the user', async () => {
    const member = await createTestTenant(database.db, 'sessions-roles');
    const where = and(eq(memberships.tenantId, member.tenantId), eq(memberships.userId, member.tutor.userId));
    const promoted = await signIn(member.tutor);
    await database.db.update(memberships).set({ role: 'admin' }).where(where);
    expect(await honoured(promoted)).toBe(false);
    const granted = await signIn(member.tutor);
    await database.db
      .update(memberships)
      .set({ permissions: ['manage_tenant_settings'] })
      .where(where);
    expect(await honoured(granted)).toBe(false);
    const leaving = await signIn(member.tutor);
    await database.db.delete(memberships).where(where);
    expect(await honoured(leaving)).toBe(false);
  });

  it('a session ends after its maximum age, and a token without a session (issued before) is not honoured', async () => {
    const token = await signIn(tenant.admin);
    clock = new Date(clock.getTime() + SESSION_MAX_AGE_SECONDS * 1000 + 1);
    expect(await honoured(token)).toBe(false);
    expect(await honoured({ sub: tenant.admin.userId, tenantId: tenant.tenantId })).toBe(false);
    expect(await honoured({ ...token, sub: tenant.learner.userId })).toBe(false);
  });

  it('expired sessions are swept when the user signs in again', async () => {
    await signIn(tenant.admin);
    const rows = await database.db.select().from(sessions).where(eq(sessions.userId, tenant.admin.userId));
    expect(rows.every((row) => row.expires > clock)).toBe(true);
  });
});
