import { expect } from '@playwright/test';
import { DateTime } from 'luxon';
import { signIn as signInToMicrosoft } from '@/emulators/microsoft/test-client';
import {
  connectGoogle,
  connectMicrosoft,
  connectionCard,
  expectUpToDate,
  MICROSOFT,
  openCalendarPage,
  openCalendarSettings,
  outlookCalendarView,
  type OutlookEvent,
} from './connections-support';
import { E2E_MICROSOFT_AUTHORITY_URL, E2E_MICROSOFT_URL } from './fixtures';
import { waitForEmail } from './mail-inbox';
import { clickTimeSlot, expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

/**
 * The heart of the product, end to end through the real pages: a tutor on Google sends a meeting
 * to a learner on Outlook.com and to an outside guest. Google invites the learner by iMIP email
 * (the emulators relay it over SMTP through the mail exchange), the learner declines in Outlook
 * with a comment, and the tutor sees it in Tandem; the guest answers by the link in their email.
 */
const TUTOR_GOOGLE = 'daniel.okafor@gmail.test';
const LEARNER_OUTLOOK = 'aisha.khan@outlook.test';

const test = testWithTenant({
  name: 'E2E Delivery College',
  calendarIntegrationEnabled: true,
  people: {
    tutor: { name: 'Daniel Okafor', role: 'tutor' },
    learner: { name: 'Aisha Khan', role: 'learner' },
  },
});

// Next week's Tuesday in London: in the future and inside the mirror's window whatever today is.
const tuesday = DateTime.now().setZone('Europe/London').startOf('week').plus({ weeks: 1, days: 1 });
const dayLabel = tuesday.toFormat('LLLL d, yyyy');

test('a tutor on Google invites a learner on Outlook and a guest; the decline in Outlook and the guest’s link answer reach the tutor', async ({
  page,
  browser,
  playwright,
  tenant,
}) => {
  const { tutor, learner } = tenant.people;
  const title = `Placement review ${Date.now().toString(36)}`;
  const guest = `mentor.${tenant.slug}@mentors.test`;

  // The learner connects their Outlook.com calendar: it becomes where their invitations land.
  await signIn(page, learner.email);
  await openCalendarSettings(page);
  await connectMicrosoft(page, LEARNER_OUTLOOK);
  await expectUpToDate(page, MICROSOFT);
  await expect(connectionCard(page, MICROSOFT)).toBeVisible();
  await signOut(page);

  // The tutor connects Google and sends the meeting from a free slot.
  await signIn(page, tutor.email);
  await openCalendarSettings(page);
  await connectGoogle(page, TUTOR_GOOGLE);
  await expectUpToDate(page, 'Google Calendar');
  await openCalendarPage(page);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await clickTimeSlot(page, dayLabel, '10:00');
  const form = page.getByRole('dialog', { name: 'New item' });
  await form.getByLabel('Title').fill(title);
  await form.getByRole('checkbox', { name: new RegExp(learner.name) }).check();
  await form.getByLabel('Guest 1 email').fill(guest);
  await form.getByLabel('Guest 1 name (optional)').fill('Morgan Lee');
  await expectAccessible(page);
  await form.getByRole('button', { name: 'Send meeting' }).click();
  await expect(form).toBeHidden();
  // Once, though it now also lives in the tutor's Google Calendar.
  await expect(page.getByRole('button', { name: new RegExp(title) })).toHaveCount(1, { timeout: 30_000 });

  // The learner's Outlook has the invitation, waiting for an answer, and they decline it there.
  const graph = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const { access_token: token } = await signInToMicrosoft(E2E_MICROSOFT_AUTHORITY_URL, LEARNER_OUTLOOK);
  let invitation: OutlookEvent | undefined;
  await expect
    .poll(
      async () => {
        invitation = (
          await outlookCalendarView(graph, token, tuesday.minus({ days: 1 }), tuesday.plus({ days: 2 }))
        ).find((event) => event.subject === title);
        return invitation?.responseStatus.response ?? null;
      },
      { timeout: 30_000, message: 'the invitation in the learner’s Outlook' },
    )
    .toBe('notResponded');
  const declined = await graph.post(`${E2E_MICROSOFT_URL}/v1.0/me/events/${invitation?.id ?? ''}/decline`, {
    headers: { authorization: `Bearer ${token}` },
    data: { comment: 'I have a GP appointment', sendResponse: true },
  });
  expect(declined.status(), await declined.text()).toBe(202);
  await graph.dispose();

  // The tutor's bell and the meeting show it, by the page's own refresh.
  const bell = page.getByRole('button', { name: /Notifications, [1-9]\d* unread/ });
  await expect(bell).toBeVisible({ timeout: 60_000 });
  await bell.click();
  const panel = page.getByRole('dialog', { name: 'Notifications' });
  await expect(
    panel.getByRole('link', { name: new RegExp(`${learner.name} declined ${title}`) }),
  ).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: new RegExp(title) }).click();
  const details = page.getByRole('dialog', { name: title });
  await expect(details.getByLabel(`${learner.name}: Declined`)).toBeVisible();
  await expect(details.getByText('I have a GP appointment')).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');

  // The guest answers by the link in Tandem's email, without an account.
  const email = await waitForEmail(guest, `Answer: ${title}`);
  const link = /https?:\/\/\S+\/answer\/[^\s"<>]+response=accepted/.exec(email.text ?? '')?.[0];
  expect(link, 'an Accept link in the email').toBeTruthy();
  const guestPage = await (await browser.newContext()).newPage();
  await guestPage.goto(link ?? '');
  await expect(guestPage.getByRole('radio', { name: 'Accept' })).toBeChecked();
  await guestPage.getByRole('button', { name: 'Send my answer' }).click();
  await expect(guestPage.getByRole('status')).toBeVisible();
  await guestPage.close();

  await expect(async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: new RegExp(title) }).click();
    await expect(page.getByRole('dialog', { name: title }).getByLabel('Morgan Lee: Accepted')).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 30_000 });
});
