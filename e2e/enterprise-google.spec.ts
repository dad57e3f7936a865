import { generateKeyPairSync } from 'node:crypto';
import { expect } from '@playwright/test';
import {
  connectionCard,
  createGoogleEvent,
  openCalendarPage,
  openCalendarSettings,
  thisWeekIn,
} from './connections-support';
import { E2E_GOOGLE_URL } from './fixtures';
import { expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

/**
 * The Google Workspace admin flow end to end through the Google emulator: the service account key
 * uploaded on /admin/calendar, the scopes authorised (the emulator's control API plays the
 * Workspace Admin console), Test, bulk add of all learners with its progress and report, and a
 * learner seeing their Google events and "connected by your organisation".
 */
const test = testWithTenant({
  name: 'E2E Workspace Academy',
  calendarIntegrationEnabled: true,
  people: {
    admin: { name: 'Wren Admin', role: 'admin', manageTenantSettings: true },
    ada: { name: 'Ada Learner', role: 'learner' },
    ben: { name: 'Ben Learner', role: 'learner' },
  },
});

const SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
];

test('an admin connects Google Workspace, bulk-adds the learners, and a learner sees their Google events', async ({
  page,
  request,
  tenant,
}) => {
  test.slow();
  const { admin, ada, ben } = tenant.people;
  const domain = admin.email.split('@')[1] ?? '';
  const unique = tenant.slug.replace(/[^a-z0-9]/g, '');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientId = `1${Date.now()}`;
  const key = {
    type: 'service_account',
    project_id: 'e2e',
    private_key_id: unique,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `tandem-${unique}@e2e.iam.gserviceaccount.com`,
    client_id: clientId,
  };
  const workspace = await request.post(`${E2E_GOOGLE_URL}/__control/google/workspace`, {
    data: {
      domain,
      serviceAccount: {
        clientId,
        clientEmail: key.client_email,
        publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      users: [
        { email: admin.email, name: admin.name, isAdmin: true },
        { email: ada.email, name: ada.name },
        { email: ben.email, name: ben.name },
      ],
    },
  });
  expect(workspace.status()).toBe(201);
  const title = `Driving lesson ${unique.slice(-6)}`;
  await createGoogleEvent(request, ada.email, {
    title,
    start: thisWeekIn().plus({ days: 2, hours: 11 }),
    minutes: 60,
  });

  // Under E2E_NEXT_DEV=1, `next dev` compiles a route on its first visit; on a loaded machine that alone can outlast
  // the sign-in helper's wait when this spec runs first.
  for (const route of ['/calendar', '/admin/calendar', '/settings/calendars'])
    await request.get(route, { timeout: 180_000 });
  await signIn(page, admin.email);
  await page.goto('/admin/calendar');
  const setup = page.getByRole('region', { name: 'Google Workspace enterprise connection' });
  await setup.getByLabel('Workspace domain').fill(domain);
  await setup.getByLabel('Administrator to read the directory as').fill(admin.email);
  await setup.getByLabel('Service account key (JSON)').setInputFiles({
    name: 'key.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(key)),
  });
  await setup.getByRole('button', { name: 'Save' }).click();
  await expect(setup.getByText(clientId)).toBeVisible();
  await expect(setup.getByText(SCOPES.join(','))).toBeVisible();
  await expectAccessible(page);

  // Before the Workspace admin authorises the client id, Test says so.
  const testForm = setup.getByRole('form', { name: 'Test the Google Workspace connection' });
  await testForm.getByLabel('Test as (email address)').fill(ada.email);
  await testForm.getByRole('button', { name: 'Test' }).click();
  await expect(setup.getByText(/Domain-wide delegation is not granted/).first()).toBeVisible();

  const delegated = await request.post(`${E2E_GOOGLE_URL}/__control/google/delegation`, {
    data: { domain, clientId, scopes: SCOPES },
  });
  expect(delegated.ok()).toBe(true);
  await testForm.getByRole('button', { name: 'Test' }).click();
  await expect(setup.getByText(`Works. Calendars of ${ada.email}: ${ada.email}.`)).toBeVisible();
  await expect(setup.getByRole('status').filter({ hasText: /^Status:/ })).toHaveText('Status: working');

  const bulk = page.getByRole('region', { name: 'Bulk add calendars' });
  await bulk.getByLabel('All learners').check();
  await bulk.getByRole('button', { name: 'Preview' }).click();
  const preview = bulk.getByRole('table', { name: 'Preview against the directory' });
  await expect(preview.getByRole('row', { name: new RegExp(ada.email) })).toContainText('Will be connected');
  await expect(preview.getByRole('row', { name: new RegExp(ben.email) })).toContainText('Will be connected');
  await bulk.getByRole('button', { name: 'Run bulk add' }).click();
  await expect(bulk.getByRole('progressbar', { name: 'Bulk add progress' })).toBeVisible();
  await expect(bulk.getByRole('status')).toContainText(
    '2 of 2 · finished · connected 2, skipped 0, failed 0',
    {
      timeout: 60_000,
    },
  );
  const report = bulk.getByRole('table', { name: 'Report' });
  await expect(report.getByRole('row', { name: new RegExp(ada.email) })).toContainText('connected');

  const health = page.getByRole('region', { name: 'Connection health' });
  await page.reload();
  await expect(health.getByRole('row', { name: new RegExp(ada.name) })).toContainText('Your organisation');
  await expectAccessible(page);
  await signOut(page);

  await signIn(page, ada.email);
  await openCalendarSettings(page);
  await expect(connectionCard(page, 'Google Calendar')).toContainText('Connected by your organisation');
  await openCalendarPage(page);
  await expect(page.getByRole('button', { name: new RegExp(`${title} · ${ada.email}`) })).toBeVisible({
    timeout: 60_000,
  });
});
