import { randomBytes, randomUUID } from 'node:crypto';
import { expect, type APIRequestContext } from '@playwright/test';
import type { DateTime } from 'luxon';
import { signIn as signInToMicrosoft } from '@/emulators/microsoft/test-client';
import {
  connectionCard,
  MICROSOFT,
  openCalendarPage,
  openCalendarSettings,
  thisWeekIn,
} from './connections-support';
import { E2E_APP_URL, E2E_MICROSOFT_AUTHORITY_URL, E2E_MICROSOFT_URL } from './fixtures';
import { expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

/**
 * The Microsoft 365 admin flow end to end through the Graph emulator: the app registration's
 * tenant id, client id and secret entered on /admin/calendar, Test refused in plain words before
 * admin consent, the admin consent link followed to the emulator's page and back (declined once, then
 * granted, each said on the page and in the audit log), Test passing,
 * bulk add of all learners with its progress and report, and a learner seeing their Outlook events
 * and "connected by your organisation".
 */
const test = testWithTenant({
  name: 'E2E Entra Academy',
  calendarIntegrationEnabled: true,
  people: {
    admin: { name: 'Wren Admin', role: 'admin', manageTenantSettings: true },
    ada: { name: 'Ada Learner', role: 'learner' },
    ben: { name: 'Ben Learner', role: 'learner' },
  },
});

/** An event in the learner's own Outlook calendar, made as their mail app would (Graph, delegated). */
async function createOutlookEvent(
  request: APIRequestContext,
  account: string,
  event: { title: string; start: DateTime; minutes: number },
): Promise<void> {
  const { access_token: token } = await signInToMicrosoft(E2E_MICROSOFT_AUTHORITY_URL, account);
  const wall = (at: DateTime) => at.toFormat("yyyy-LL-dd'T'HH:mm:ss");
  const created = await request.post(`${E2E_MICROSOFT_URL}/v1.0/me/events`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      subject: event.title,
      start: { dateTime: wall(event.start), timeZone: 'Europe/London' },
      end: { dateTime: wall(event.start.plus({ minutes: event.minutes })), timeZone: 'Europe/London' },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
}

test('an admin connects Microsoft 365, grants admin consent, bulk-adds the learners, and a learner sees their Outlook events', async ({
  page,
  playwright,
  request,
  tenant,
}) => {
  test.slow();
  // The Graph emulator's certificate is the fixture one (emulators/microsoft/certs).
  const graph = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const { admin, ada, ben } = tenant.people;
  const unique = tenant.slug.replace(/[^a-z0-9]/g, '');
  // A directory of its own for this run (the emulator outlives a spec): the people's addresses
  // all end in e2e.test, so the tenant is named by its id, as an admin copies it from Entra ID.
  const directoryId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = randomBytes(18).toString('base64url');
  const directory = await graph.post(`${E2E_MICROSOFT_URL}/__control/directory-tenant`, {
    data: {
      tenantId: directoryId,
      domain: admin.email.split('@')[1] ?? '',
      app: { clientId, clientSecret },
      users: [
        { email: admin.email, displayName: admin.name, isAdmin: true },
        { email: ada.email, displayName: ada.name },
        { email: ben.email, displayName: ben.name },
      ],
    },
  });
  expect(directory.status(), await directory.text()).toBe(201);
  const title = `Riding lesson ${unique.slice(-6)}`;
  await createOutlookEvent(graph, ada.email, {
    title,
    start: thisWeekIn().plus({ days: 2, hours: 14 }),
    minutes: 60,
  });

  // Under E2E_NEXT_DEV=1, `next dev` compiles a route on its first visit; on a loaded machine that alone can outlast
  // the sign-in helper's wait when this spec runs first (and the tRPC route, the first Save's).
  for (const route of [
    '/calendar',
    '/admin/calendar',
    '/settings/calendars',
    '/api/trpc/enterprise.overview',
  ])
    await request.get(route, { timeout: 180_000 });
  await signIn(page, admin.email);
  await page.goto('/admin/calendar');
  const setup = page.getByRole('region', { name: 'Microsoft 365 enterprise connection' });
  await setup.getByLabel('Directory (tenant) id or domain').fill(directoryId);
  await setup.getByLabel('Application (client) id').fill(clientId);
  await setup.getByLabel('Client secret').fill(clientSecret);
  await setup.getByRole('button', { name: 'Save' }).click();
  await expect(setup.getByRole('status').filter({ hasText: /^Status:/ })).toHaveText(
    'Status: not tested yet',
  );
  // The secret is never shown again: the field is empty once saved.
  await expect(setup.getByLabel('Client secret')).toHaveValue('');
  await expect(setup.getByRole('listitem').filter({ hasText: 'Calendars.ReadWrite' })).toBeVisible();
  await expect(setup.getByRole('listitem').filter({ hasText: 'User.Read.All' })).toBeVisible();
  await expect(setup.getByText(`${E2E_APP_URL}/admin/calendar`)).toBeVisible();
  await expectAccessible(page);

  // Before a Microsoft 365 administrator consents, Test says so in words the admin can act on.
  const testForm = setup.getByRole('form', { name: 'Test the Microsoft 365 connection' });
  await testForm.getByLabel('Test as (email address)').fill(ada.email);
  await testForm.getByRole('button', { name: 'Test' }).click();
  const consentMissing = `Admin consent has not been given in “${directoryId}”. Open the admin consent link as a Microsoft 365 administrator, accept, then test again.`;
  await expect(setup.getByRole('alert').filter({ hasText: consentMissing }).first()).toBeVisible();
  await expect(setup.getByRole('status').filter({ hasText: /^Status:/ })).toHaveText('Status: not working');

  // The admin consent link: the emulator's page lists what the app asks for. Cancelling comes back
  // here with Microsoft's error (access_denied), said in its words; the answer leaves the address.
  const consentLink = setup.getByRole('link', { name: 'Grant admin consent in Microsoft 365' });
  await consentLink.click();
  await expect(page.getByRole('heading', { name: 'Permissions requested' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'Calendars.ReadWrite' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(
    setup.getByRole('alert').filter({
      hasText: 'Admin consent was declined: AADSTS65004: User declined to consent to access the app.',
    }),
  ).toBeVisible();
  await expect(page).toHaveURL(`${E2E_APP_URL}/admin/calendar`);
  await expectAccessible(page);

  // Accepting comes back here with the directory's tenant id.
  await consentLink.click();
  await page.getByRole('button', { name: `Accept as ${admin.name} (${admin.email})` }).click();
  await expect(
    setup.getByRole('status').filter({
      hasText: `Microsoft 365 admin consent granted for tenant ${directoryId} — press Test to check access.`,
    }),
  ).toBeVisible();
  await expect(page).toHaveURL(`${E2E_APP_URL}/admin/calendar`);
  await expect(setup.getByRole('status').filter({ hasText: /^Status:/ })).toHaveText(
    'Status: not tested yet',
  );
  const audit = page.getByRole('region', { name: 'Audit log' });
  await expect(audit.getByRole('row', { name: /Microsoft 365 admin consent/ })).toHaveCount(2);
  await expect(
    audit.getByRole('row', { name: new RegExp(`Admin consent granted for tenant ${directoryId}`) }),
  ).toContainText(admin.name);

  await testForm.getByLabel('Test as (email address)').fill(ada.email);
  await testForm.getByRole('button', { name: 'Test' }).click();
  await expect(setup.getByText(`Works. Calendars of ${ada.email}: Calendar.`)).toBeVisible();
  await expect(setup.getByRole('status').filter({ hasText: /^Status:/ })).toHaveText('Status: working');
  await expect(setup.getByText(consentMissing)).toHaveCount(0);

  const bulk = page.getByRole('region', { name: 'Bulk add calendars' });
  await bulk.getByLabel('All learners').check();
  await bulk.getByRole('button', { name: 'Preview' }).click();
  const preview = bulk.getByRole('table', { name: 'Preview against the directory' });
  await expect(preview.getByRole('row', { name: new RegExp(ada.email) })).toContainText('Will be connected');
  await expect(preview.getByRole('row', { name: new RegExp(ben.email) })).toContainText('Will be connected');
  await expect(preview.getByRole('row', { name: new RegExp(admin.email) })).toHaveCount(0);
  await bulk.getByRole('button', { name: 'Run bulk add' }).click();
  await expect(bulk.getByRole('progressbar', { name: 'Bulk add progress' })).toBeVisible();
  await expect(bulk.getByRole('status')).toContainText(
    '2 of 2 · finished · connected 2, skipped 0, failed 0',
    { timeout: 60_000 },
  );
  const report = bulk.getByRole('table', { name: 'Report' });
  await expect(report.getByRole('row', { name: new RegExp(ada.email) })).toContainText('connected');
  await expect(report.getByRole('row', { name: new RegExp(ben.email) })).toContainText('connected');

  const health = page.getByRole('region', { name: 'Connection health' });
  await page.reload();
  await expect(setup.getByRole('status').filter({ hasText: /^Status:/ })).toHaveText(
    'Status: working · 2 calendars connected with it',
  );
  await expect(health.getByRole('row', { name: new RegExp(ada.name) })).toContainText('Your organisation');
  await expectAccessible(page);
  await signOut(page);

  await signIn(page, ada.email);
  await openCalendarSettings(page);
  await expect(connectionCard(page, MICROSOFT)).toContainText('Connected by your organisation');
  await openCalendarPage(page);
  await expect(page.getByRole('button', { name: new RegExp(title) })).toBeVisible({ timeout: 60_000 });
});
