import { beforeAll, describe, expect, it } from 'vitest';
import { verifyCredentials } from '@/server/auth/credentials';
import { findActor } from '@/server/tenants/actor';
import { findTenantIdBySlug } from '@/server/tenants/provisioning';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { answerTestTenantRequest, type TestTenantRequest } from './tenant-provisioning';

let database: TestDatabase;
const TOKEN = 'e2e-provisioning-token-0123456789abcdef';

beforeAll(async () => {
  database = await useTestDatabase();
});

const tenantRequest = (slug: string): TestTenantRequest => ({
  name: 'Spec Academy',
  slug,
  calendarIntegrationEnabled: true,
  password: 'e2e-password-1',
  members: [
    { email: `Tutor@${slug}.test`, name: 'Tara Tutor', role: 'tutor' },
    {
      email: `admin@${slug}.test`,
      name: 'Ada Admin',
      role: 'admin',
      permissions: ['manage_tenant_settings'],
    },
  ],
});

function post(body: unknown, authorization?: string): Request {
  return new Request('http://127.0.0.1/api/testing/tenants', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
}

const answer = (token: string | null, request: Request) =>
  answerTestTenantRequest({ token, db: database.db }, request);

describe('the test provisioning route', () => {
  it('is not there without its token, whatever the request carries', async () => {
    expect((await answer(null, post(tenantRequest('off-1'), `Bearer ${TOKEN}`))).status).toBe(404);
    expect((await answer(TOKEN, post(tenantRequest('off-2')))).status).toBe(404);
    expect((await answer(TOKEN, post(tenantRequest('off-3'), `Bearer ${TOKEN.slice(1)}x`))).status).toBe(404);
    expect(await findTenantIdBySlug(database.db, 'off-1')).toBeNull();
    expect(await findTenantIdBySlug(database.db, 'off-2')).toBeNull();
    expect(await findTenantIdBySlug(database.db, 'off-3')).toBeNull();
  });

  it('refuses a malformed tenant with 400', async () => {
    const response = await answer(
      TOKEN,
      post({ ...tenantRequest('bad'), members: [{ email: 'nobody' }] }, `Bearer ${TOKEN}`),
    );
    expect(response.status).toBe(400);
    expect(await findTenantIdBySlug(database.db, 'bad')).toBeNull();
  });

  it('makes the tenant and its people, who can sign in with the password and act in their roles', async () => {
    const response = await answer(TOKEN, post(tenantRequest('spec-academy'), `Bearer ${TOKEN}`));
    expect(response.status).toBe(201);
    const made = (await response.json()) as { tenantId: string; userIds: Record<string, string> };
    expect(await findTenantIdBySlug(database.db, 'spec-academy')).toBe(made.tenantId);

    const signedIn = await verifyCredentials(database.db, {
      email: 'tutor@spec-academy.test',
      password: 'e2e-password-1',
    });
    expect(signedIn).toMatchObject({ id: made.userIds['tutor@spec-academy.test'], tenantId: made.tenantId });
    const admin = await findActor(database.db, {
      userId: made.userIds['admin@spec-academy.test'] ?? '',
      tenantId: made.tenantId,
    });
    expect(admin).toMatchObject({
      role: 'admin',
      permissions: ['manage_tenant_settings'],
      timeZone: 'Europe/London',
    });
  });
});
