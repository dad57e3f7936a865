import { expect, type APIRequestContext } from '@playwright/test';
import type { DateTime } from 'luxon';
import { connectionCard, openCalendarPage, openCalendarSettings, thisWeekIn } from './connections-support';
import { E2E_EWS_URL } from './fixtures';
import { expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

/**
 * The Exchange Server impersonation admin flow end to end through the EWS emulator: the service
 * account saved on /admin/calendar, Test refused until the ApplicationImpersonation role is granted
 * (the emulator's control API plays the Exchange Management Shell), bulk add of all learners with
 * its report, and a learner seeing their Exchange events and "connected by your organisation".
 */
const test = testWithTenant({
  name: 'E2E Exchange Academy',
  calendarIntegrationEnabled: true,
  people: {
    admin: { name: 'Quill Admin', role: 'admin', manageTenantSettings: true },
    ada: { name: 'Ada Learner', role: 'learner' },
    ben: { name: 'Ben Learner', role: 'learner' },
  },
});

/** Every seeded and added mailbox's password but the service account's (emulators/ews/store.ts). */
const MAILBOX_PASSWORD = 'exchange-demo';

async function addMailbox(
  request: APIRequestContext,
  mailbox: { email: string; name: string; password?: string; impersonates?: string[] },
) {
  const added = await request.post(`${E2E_EWS_URL}/__control/mailboxes`, {
    data: mailbox,
    ignoreHTTPSErrors: true,
  });
  expect(added.status()).toBe(201);
}

/** An appointment in a mailbox's calendar, made over EWS as the mailbox itself (as Outlook would). */
async function createExchangeEvent(
  request: APIRequestContext,
  email: string,
  event: { title: string; start: DateTime; minutes: number },
) {
  const iso = (at: DateTime) => at.toUTC().toISO({ suppressMilliseconds: true });
  const created = await request.post(`${E2E_EWS_URL}/EWS/Exchange.asmx`, {
    ignoreHTTPSErrors: true,
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      authorization: `Basic ${Buffer.from(`${email}:${MAILBOX_PASSWORD}`).toString('base64')}`,
    },
    data: `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
  xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header>
  <soap:Body>
    <m:CreateItem SendMeetingInvitations="SendToNone">
      <m:Items><t:CalendarItem>
        <t:Subject>${event.title}</t:Subject>
        <t:Start>${iso(event.start)}</t:Start>
        <t:End>${iso(event.start.plus({ minutes: event.minutes }))}</t:End>
      </t:CalendarItem></m:Items>
    </m:CreateItem>
  </soap:Body>
</soap:Envelope>`,
  });
  expect(created.status()).toBe(200);
  expect(await created.text()).toContain('ResponseClass="Success"');
}

test('an admin connects Exchange Server by impersonation, bulk-adds the learners, and a learner sees their Exchange events', async ({
  page,
  request,
  tenant,
}) => {
  test.slow();
  const { admin, ada, ben } = tenant.people;
  const domain = admin.email.split('@')[1] ?? '';
  const unique = tenant.slug.replace(/[^a-z0-9]/g, '');
  const service = { email: `svc-${unique}@${domain}`, name: 'Tandem service', password: `Svc-${unique}` };
  await addMailbox(request, service);
  await addMailbox(request, { email: ada.email, name: ada.name });
  await addMailbox(request, { email: ben.email, name: ben.name });
  const title = `Lab session ${unique.slice(-6)}`;
  await createExchangeEvent(request, ada.email, {
    title,
    start: thisWeekIn().plus({ days: 2, hours: 11 }),
    minutes: 60,
  });

  // Under E2E_NEXT_DEV=1, `next dev` compiles a route on its first visit.
  for (const route of ['/calendar', '/admin/calendar', '/settings/calendars'])
    await request.get(route, { timeout: 180_000 });
  await signIn(page, admin.email);
  await page.goto('/admin/calendar');
  const setup = page.getByRole('region', { name: 'Exchange Server enterprise connection' });
  await setup.getByLabel('Server address').fill(E2E_EWS_URL);
  await setup.getByLabel('Service account user name').fill(service.email);
  await setup.getByLabel('Service account password').fill(service.password);
  await setup.getByLabel('Authentication').selectOption('basic');
  await setup.getByRole('button', { name: 'Save' }).click();
  await expect(
    setup.getByText(`New-ManagementRoleAssignment -Role ApplicationImpersonation -User ${service.email}`),
  ).toBeVisible();
  await expect(setup.getByLabel('Service account password')).toHaveValue('');
  await expectAccessible(page);

  // Before the Exchange admin grants the role, Test says so.
  const testForm = setup.getByRole('form', { name: 'Test the Exchange Server connection' });
  await testForm.getByLabel('Test as (email address)').fill(ada.email);
  await testForm.getByRole('button', { name: 'Test' }).click();
  await expect(setup.getByText(/lacks the ApplicationImpersonation role/).first()).toBeVisible();

  await addMailbox(request, { ...service, impersonates: [domain] });
  await testForm.getByRole('button', { name: 'Test' }).click();
  await expect(setup.getByText(`Works. Calendars of ${ada.email}: Calendar.`)).toBeVisible();
  await expect(setup.getByRole('status').filter({ hasText: /^Status:/ })).toHaveText('Status: working');

  const bulk = page.getByRole('region', { name: 'Bulk add calendars' });
  await bulk.getByLabel('All learners').check();
  await bulk.getByRole('button', { name: 'Preview' }).click();
  const preview = bulk.getByRole('table', { name: 'Preview against the directory' });
  await expect(preview.getByRole('row', { name: new RegExp(ada.email) })).toContainText('Will be connected');
  await expect(preview.getByRole('row', { name: new RegExp(ben.email) })).toContainText('Will be connected');
  await bulk.getByRole('button', { name: 'Run bulk add' }).click();
  await expect(bulk.getByRole('status')).toContainText(
    '2 of 2 · finished · connected 2, skipped 0, failed 0',
    { timeout: 60_000 },
  );
  const report = bulk.getByRole('table', { name: 'Report' });
  await expect(report.getByRole('row', { name: new RegExp(ada.email) })).toContainText('connected');
  await expectAccessible(page);
  await signOut(page);

  await signIn(page, ada.email);
  await openCalendarSettings(page);
  await expect(connectionCard(page, 'Exchange Server')).toContainText('Connected by your organisation');
  await openCalendarPage(page);
  await expect(page.getByRole('button', { name: new RegExp(`${title} · Calendar`) })).toBeVisible({
    timeout: 60_000,
  });
});
