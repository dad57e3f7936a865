import { expect } from '@playwright/test';
import {
  connectionCard,
  expectUpToDate,
  openCalendarPage,
  openCalendarSettings,
} from './connections-support';
import { E2E_EWS_URL } from './fixtures';
import { expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Exchange School',
  calendarIntegrationEnabled: true,
  people: {
    tutor: { name: 'Theo Tutor', role: 'tutor' },
    admin: { name: 'Ada Admin', role: 'admin', manageTenantSettings: true },
  },
});

/** A mailbox of the EWS emulator (Priya Shah's, emulators/seed/demo.json) and its password there. */
const MAILBOX = 'priya.shah@northbridge-college.test';
const PASSWORD = 'exchange-demo';
const EXCHANGE = 'Exchange Server';

test('a tutor connects Exchange Server: a wrong password is refused plainly, the right one brings the mailbox’s events into the Calendar', async ({
  page,
  tenant,
}) => {
  // Exchange Server is not allowed by default: the tenant's admin allows it first.
  await signIn(page, tenant.people.admin.email);
  await page.getByRole('link', { name: 'Tenant settings' }).click();
  const providers = page.getByRole('group', { name: 'Allowed providers' });
  const allowExchange = providers.getByRole('checkbox', { name: EXCHANGE });
  await expect(allowExchange).not.toBeChecked();
  await allowExchange.click();
  await expect(allowExchange).toBeChecked();
  await expect(providers.getByRole('status')).toContainText(EXCHANGE);
  await signOut(page);

  await signIn(page, tenant.people.tutor.email);
  await openCalendarSettings(page);
  await page
    .getByRole('region', { name: 'Connect a calendar' })
    .getByRole('button', { name: EXCHANGE })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Connect Exchange Server' });
  await expectAccessible(page);
  await dialog.getByLabel('Server address').fill(E2E_EWS_URL);
  await dialog.getByLabel('Email address').fill(MAILBOX);
  await dialog.getByLabel('Password').fill('not-the-password');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'Exchange refused that user name and password. Check them and try again.',
  );
  await expectAccessible(page);

  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  await expectUpToDate(page, EXCHANGE);
  await expect(connectionCard(page, EXCHANGE).getByText(MAILBOX)).toBeVisible();

  // Priya's Wednesday "Marking" (13:30–15:00 in London) and Thursday "Dentist", read over EWS.
  await openCalendarPage(page);
  const marking = page.getByRole('button', { name: /Marking · Calendar/ });
  await expect(marking).toBeVisible();
  await expect(page.getByRole('button', { name: /Dentist · Calendar/ })).toBeVisible();
  await marking.click();
  const details = page.getByRole('dialog', { name: 'Marking' });
  await expect(details.getByText(/13:30–15:00 \(Europe\/London\)/)).toBeVisible();
  await page.keyboard.press('Escape');
  await expectAccessible(page);
});
