import { expect } from '@playwright/test';
import { expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Admin College',
  people: {
    admin: { name: 'Ada Admin', role: 'admin', manageTenantSettings: true },
    learner: { name: 'Leo Learner', role: 'learner' },
  },
});

test('an admin turns the calendar integration on, and it stays on', async ({ page, tenant }) => {
  await signIn(page, tenant.people.admin.email);
  await page.getByRole('link', { name: 'Tenant settings' }).click();
  await expect(page.getByRole('heading', { name: /Calendar integration/, level: 1 })).toBeVisible();
  const toggle = page.getByRole('switch', { name: `Enable calendar integration for ${tenant.name}` });
  await expect(toggle).not.toBeChecked();
  await expectAccessible(page);
  await toggle.click();
  await expect(toggle).toBeChecked();
  await expect(page.getByText(/On: members can connect their calendars/)).toBeVisible();
  await page.reload();
  await expect(
    page.getByRole('switch', { name: `Enable calendar integration for ${tenant.name}` }),
  ).toBeChecked();

  await page.getByRole('link', { name: 'Calendars' }).click();
  await expect(page.getByText(`${tenant.name} has enabled calendar integration`)).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Account settings' }).click();
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/London');
  await expectAccessible(page);
});

test('a learner gets 403 on the admin page and sees no admin link', async ({ page, tenant }) => {
  await signIn(page, tenant.people.learner.email);
  await expect(page.getByRole('link', { name: 'Tenant settings' })).toHaveCount(0);
  const response = await page.goto('/admin/calendar');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'You don’t have access to this page' })).toBeVisible();
  await expectAccessible(page);
});

test('a wrong password gets a clear message', async ({ page, tenant }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(tenant.people.admin.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'incorrect' })).toHaveText(
    'The email or password is incorrect.',
  );
  await expectAccessible(page);
});
