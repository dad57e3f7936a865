import { test as base, expect, type APIRequestContext, type TestInfo } from '@playwright/test';
import { E2E_PASSWORD, E2E_PROVISIONING_TOKEN } from './fixtures';

/** One person a spec needs; other fields (such as the Google account they connect) come back as given. */
export interface PersonPlan {
  name: string;
  role: 'admin' | 'tutor' | 'learner';
  manageTenantSettings?: boolean;
}

export interface TenantPlan<People extends Record<string, PersonPlan>> {
  name: string;
  calendarIntegrationEnabled?: boolean;
  people: People;
}

export interface E2ETenant<People extends Record<string, PersonPlan>> {
  name: string;
  slug: string;
  tenantId: string;
  people: { [Key in keyof People]: People[Key] & { email: string; userId: string } };
}

/**
 * A Playwright `test` whose `tenant` fixture is a fresh tenant of the plan's people for each test:
 * a slug and addresses of its own, so that no test sees another's meetings, connections or
 * settings, whatever ran before it. The app makes it (its embedded database admits one process).
 */
export function testWithTenant<People extends Record<string, PersonPlan>>(plan: TenantPlan<People>) {
  return base.extend<{ tenant: E2ETenant<People> }>({
    // `provide` is Playwright's `use`, renamed so the React hooks lint rule does not take it for a hook.
    tenant: async ({ request }, provide, testInfo) => {
      await provide(await provisionTenant(request, plan, testInfo));
    },
  });
}

async function provisionTenant<People extends Record<string, PersonPlan>>(
  request: APIRequestContext,
  plan: TenantPlan<People>,
  testInfo: TestInfo,
): Promise<E2ETenant<People>> {
  const unique = `${testInfo.testId.slice(0, 8)}-${testInfo.retry}-${Date.now().toString(36)}`.toLowerCase();
  const slug = `e2e-${unique}`;
  const emailOf = (key: string) => `${key.toLowerCase()}.${unique}@e2e.test`;
  const entries = Object.entries(plan.people);
  const response = await request.post('/api/testing/tenants', {
    headers: { authorization: `Bearer ${E2E_PROVISIONING_TOKEN}` },
    data: {
      name: plan.name,
      slug,
      calendarIntegrationEnabled: plan.calendarIntegrationEnabled ?? false,
      password: E2E_PASSWORD,
      members: entries.map(([key, person]) => ({
        email: emailOf(key),
        name: person.name,
        role: person.role,
        permissions: person.manageTenantSettings ? ['manage_tenant_settings'] : [],
      })),
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  const made = (await response.json()) as { tenantId: string; userIds: Record<string, string> };
  const people = Object.fromEntries(
    entries.map(([key, person]) => [
      key,
      { ...person, email: emailOf(key), userId: made.userIds[emailOf(key)] ?? '' },
    ]),
  ) as E2ETenant<People>['people'];
  return { name: plan.name, slug, tenantId: made.tenantId, people };
}
