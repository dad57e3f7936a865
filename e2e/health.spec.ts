import { expect } from '@playwright/test';
import { connectGoogle, expectUpToDate, openCalendarSettings } from './connections-support';
import { expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Health College',
  calendarIntegrationEnabled: true,
  people: {
    admin: { name: 'Hana Admin', role: 'admin', manageTenantSettings: true },
    tutor: { name: 'Theo Tutor', role: 'tutor' },
    learner: { name: 'Lina Learner', role: 'learner', googleAccount: 'daniel.okafor@gmail.test' },
  },
});

test('a tutor without Manage Tenant Settings gets 403 on the admin page', async ({ page, tenant }) => {
  await signIn(page, tenant.people.tutor.email);
  const response = await page.goto('/admin/calendar');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('region', { name: 'Connection health' })).toHaveCount(0);
  await expectAccessible(page);
});

test('an admin reads every connection’s health, acts on it, and finds each action in the audit log', async ({
  page,
  tenant,
}) => {
  const { admin, learner } = tenant.people;
  await signIn(page, learner.email);
  await openCalendarSettings(page);
  await connectGoogle(page, learner.googleAccount);
  await expectUpToDate(page, 'Google Calendar');
  await signOut(page);

  await signIn(page, admin.email);
  await page.goto('/admin/calendar');
  const health = page.getByRole('region', { name: 'Connection health' });
  const row = health.getByRole('row', { name: new RegExp(learner.name) });
  await expect(row).toContainText('Google Calendar');
  await expect(row).toContainText(learner.googleAccount);
  await expect(row).toContainText('Working');
  await expect(health).toContainText('1 connections');
  await expectAccessible(page);

  await health.getByLabel('Show').selectOption({ label: 'Never synced' });
  await expect(health.getByText('No connections to show.')).toBeVisible();
  await health.getByLabel('Show').selectOption({ label: 'All connections' });

  const who = `${learner.name}’s Google Calendar (${learner.googleAccount})`;
  await health.getByRole('button', { name: `Sync now: ${who}` }).click();
  await expect(health.getByRole('status')).toHaveText('Sync requested.');
  await health.getByRole('button', { name: `Ask to reconnect: ${who}` }).click();
  await expect(health.getByRole('status')).toHaveText('The member was asked to reconnect.');

  const audit = page.getByRole('region', { name: 'Audit log' });
  await expect(audit.getByRole('row', { name: /Sync requested by an admin/ })).toContainText(admin.name);
  await expect(audit.getByRole('row', { name: /Member asked to reconnect/ })).toContainText(learner.name);
  await audit.getByLabel('Action').selectOption({ label: 'Member asked to reconnect' });
  await expect(audit).toContainText('1 entries');
  await expectAccessible(page);
  const download = page.waitForEvent('download');
  await audit.getByRole('button', { name: 'Download CSV' }).click();
  expect((await download).suggestedFilename()).toBe('audit-log.csv');
  await audit.getByLabel('Action').selectOption({ label: 'Any action' });

  page.once('dialog', (dialog) => void dialog.accept());
  await health.getByRole('button', { name: `Remove: ${who}` }).click();
  await expect(health.getByRole('status')).toHaveText('Connection removed. Meetings are kept.');
  await expect(health.getByText('No connections to show.')).toBeVisible();
  await expect(audit.getByRole('row', { name: /Connection removed by an admin/ })).toContainText('Done');
  await expectAccessible(page);
});
