import { expect } from '@playwright/test';
import { E2E_MICROSOFT_AUTHORITY_URL, E2E_MICROSOFT_URL } from './fixtures';
import {
  connectionCard,
  expectUpToDate,
  MICROSOFT,
  openCalendarPage,
  openCalendarSettings,
} from './connections-support';
import { expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Microsoft School',
  calendarIntegrationEnabled: true,
  people: {
    tutor: { name: 'Theo Tutor', role: 'tutor' },
    admin: { name: 'Ada Admin', role: 'admin', manageTenantSettings: true },
  },
});

/** The emulated Microsoft 365 work account the tutor connects (Priya Shah's, emulators/seed/demo.json). */
const ACCOUNT = 'priya.shah@northbridge-college.test';

test('a tutor connects Microsoft through a consent page that opens cleanly, and a broken connection is flagged on the Calendar page', async ({
  page,
  playwright,
  tenant,
}) => {
  await signIn(page, tenant.people.tutor.email);
  await openCalendarSettings(page);
  await page
    .getByRole('region', { name: 'Connect a calendar' })
    .getByRole('link', { name: MICROSOFT })
    .click();
  // Plain HTTP on loopback: no certificate warning stands between the person and this page.
  await expect(page.getByRole('heading', { name: 'Pick an account' })).toBeVisible();
  expect(page.url().startsWith(`${E2E_MICROSOFT_AUTHORITY_URL}/`)).toBe(true);
  await page.getByRole('button', { name: new RegExp(ACCOUNT.replaceAll('.', '\\.')) }).click();

  const connected = page.getByRole('status').filter({ hasText: `${MICROSOFT} is connected` });
  await expect(connected).toBeVisible();
  // Read once: out of the address at once, and gone when dismissed.
  await expect(page).toHaveURL(/\/settings\/calendars$/);
  await connected.getByRole('button', { name: 'Dismiss' }).click();
  await expect(connected).toHaveCount(0);
  await expectUpToDate(page, MICROSOFT);

  const card = connectionCard(page, MICROSOFT);
  const calendar = card.getByRole('group').first();
  const calendarName = (await calendar.locator('legend').innerText()).trim();
  // Checked from the saved choice: it changes once the server has it, so click, then look.
  const busy = calendar.getByRole('checkbox', { name: 'Counts as busy' });
  await busy.click();
  await expect(busy).not.toBeChecked();
  await expect(calendar.getByRole('status')).toHaveText(`Saved: ${calendarName}.`);
  await expectAccessible(page);

  // The account's grant is revoked at Microsoft; the next sync finds out.
  const emulator = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  expect(
    (await emulator.post(`${E2E_MICROSOFT_URL}/__control/revoke`, { data: { email: ACCOUNT } })).ok(),
  ).toBe(true);
  await emulator.dispose();
  await card.getByRole('button', { name: `Sync now: ${MICROSOFT}: ${ACCOUNT}` }).click();
  await expect(card.getByText('Needs reconnecting')).toBeVisible({ timeout: 60_000 });

  await openCalendarPage(page);
  const flag = page.getByRole('alert').filter({ hasText: `${MICROSOFT} (${ACCOUNT}) needs reconnecting` });
  await expect(flag).toBeVisible();
  await expect(flag.getByRole('link', { name: `Reconnect ${MICROSOFT}` })).toHaveAttribute(
    'href',
    /\/api\/connections\/microsoft\/start\?reconnect=/,
  );
  await expectAccessible(page);
});

test('an admin is told when the allowed providers are saved', async ({ page, tenant }) => {
  await signIn(page, tenant.people.admin.email);
  await page.getByRole('link', { name: 'Tenant settings' }).click();
  const providers = page.getByRole('group', { name: 'Allowed providers' });
  const icloud = providers.getByRole('checkbox', { name: 'iCloud' });
  // Checked from the saved settings: it changes once the server has them, so click, then look.
  await icloud.click();
  await expect(icloud).not.toBeChecked();
  await expect(providers.getByRole('status')).toHaveText(
    'Saved. Members can connect: Google Calendar, Microsoft Outlook, CalDAV.',
  );
  await expectAccessible(page);
  await icloud.click();
  await expect(icloud).toBeChecked();
  await expect(providers.getByRole('status')).toContainText('iCloud');
});
