import { expect } from '@playwright/test';
import {
  connectGoogle,
  connectionCard,
  createGoogleEvent,
  expectUpToDate,
  openCalendarPage,
  openCalendarSettings,
  thisWeekIn,
} from './connections-support';
import { expectAccessible, signIn } from './support';
import { testWithTenant } from './tenant-fixture';

// Each learner connects a different seeded Gmail account (emulators/seed/demo.json): Sam Taylor's, Mia Chen's.
const test = testWithTenant({
  name: 'E2E Connections School',
  calendarIntegrationEnabled: true,
  people: {
    learner: { name: 'Cara Learner', role: 'learner', googleAccount: 'sam.taylor@gmail.test' },
    pushLearner: { name: 'Pia Learner', role: 'learner', googleAccount: 'mia.chen@gmail.test' },
  },
});

test('a learner connects a Google account through the consent page and sees its events', async ({
  page,
  tenant,
}) => {
  const { learner } = tenant.people;
  await signIn(page, learner.email);
  await openCalendarSettings(page);
  await expect(page.getByText('You have not connected any calendars.')).toBeVisible();
  await expectAccessible(page);

  await connectGoogle(page, learner.googleAccount);
  await expectUpToDate(page, 'Google Calendar');
  const card = connectionCard(page, 'Google Calendar');
  const primary = card.getByRole('group', { name: learner.googleAccount });
  await expect(primary.getByRole('checkbox', { name: 'Show in my calendar' })).toBeChecked();
  await expect(primary.getByRole('checkbox', { name: 'Counts as busy' })).toBeChecked();
  await expect(primary.getByRole('radio', { name: /^Write target/ })).toBeChecked();
  await expectAccessible(page);

  // The seed puts a GP appointment on Wednesday of this week (emulators/seed/demo.json).
  await openCalendarPage(page);
  const appointment = page.getByRole('button', {
    name: new RegExp(`GP appointment · ${learner.googleAccount}`),
  });
  await expect(appointment).toBeVisible();
  await expectAccessible(page);

  await appointment.click();
  const details = page.getByRole('dialog', { name: 'GP appointment' });
  await expect(details.getByText(/09:10–09:30 \(Europe\/London\)/)).toBeVisible();
  await expect(details.getByText(new RegExp(`${learner.googleAccount} \\(Google Calendar`))).toBeVisible();
  await expect(details.getByRole('button', { name: /Edit|Delete/ })).toHaveCount(0);
  await expectAccessible(page);
  await page.keyboard.press('Escape');

  // The legend hides and shows the calendar, from the keyboard.
  const toggle = page
    .getByRole('group', { name: 'Connected calendars' })
    .getByRole('checkbox', { name: learner.googleAccount });
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).not.toBeChecked();
  await expect(appointment).toHaveCount(0);
  await page.keyboard.press('Space');
  await expect(toggle).toBeChecked();
  await expect(appointment).toBeVisible();
});

test('an event created in Google shows up in the Calendar page without a reload', async ({
  page,
  request,
  tenant,
}) => {
  const { pushLearner } = tenant.people;
  await signIn(page, pushLearner.email);
  await openCalendarSettings(page);
  await connectGoogle(page, pushLearner.googleAccount);
  await expectUpToDate(page, 'Google Calendar');

  await openCalendarPage(page);
  const title = `Job interview ${Date.now().toString(36)}`;
  await expect(page.getByRole('button', { name: new RegExp(title) })).toHaveCount(0);
  await createGoogleEvent(request, pushLearner.googleAccount, {
    title,
    start: thisWeekIn().plus({ days: 3, hours: 14 }),
    minutes: 45,
    location: 'Harbour Office',
  });
  // Push → webhook → sync, then the page's own refresh (every 10 s).
  await expect(
    page.getByRole('button', { name: new RegExp(`${title} · ${pushLearner.googleAccount}`) }),
  ).toBeVisible({
    timeout: 30_000,
  });
});
