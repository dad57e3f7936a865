import { expect } from '@playwright/test';
import { DateTime } from 'luxon';
import { clickTimeSlot, expectAccessible, signIn, signOut } from './support';
import { testWithTenant } from './tenant-fixture';

const test = testWithTenant({
  name: 'E2E Meetings Academy',
  people: {
    tutor: { name: 'Tara Tutor', role: 'tutor' },
    learner: { name: 'Liam Learner', role: 'learner' },
    otherLearner: { name: 'Lena Learner', role: 'learner' },
  },
});

// Next week's Wednesday in London, so that the slot is free and in the future whatever today is.
const wednesday = DateTime.now().setZone('Europe/London').startOf('week').plus({ weeks: 1, days: 2 });
const dayLabel = wednesday.toFormat('LLLL d, yyyy');
const title = `Career coaching ${Date.now().toString(36)}`;

test('a tutor sends a meeting from a slot, the learner accepts, the tutor sees the answer', async ({
  page,
  tenant: { people },
}) => {
  await page.goto('/sign-in');
  await expectAccessible(page);

  await signIn(page, people.tutor.email);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(page.getByRole('columnheader', { name: dayLabel })).toBeVisible();
  await expectAccessible(page);

  await clickTimeSlot(page, dayLabel, '10:00');
  const dialog = page.getByRole('dialog', { name: 'New item' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Start time')).toHaveValue('10:00');
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel('Location').fill('Room 4');
  await dialog.getByRole('checkbox', { name: new RegExp(people.learner.name) }).check();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Send meeting' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: new RegExp(title) })).toBeVisible();
  await signOut(page);

  await signIn(page, people.learner.email);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  const invitation = page.getByRole('button', { name: new RegExp(`${title} · reply needed`) });
  await expect(invitation).toBeVisible();
  await invitation.click();
  const details = page.getByRole('dialog', { name: title });
  await expect(details.getByText('Your answer: No response')).toBeVisible();
  await expectAccessible(page);
  await details.getByRole('button', { name: 'Accept' }).click();
  await expect(details.getByRole('heading', { name: 'Your answer: Accepted' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: new RegExp(`${title} · reply needed`) })).toHaveCount(0);
  await signOut(page);

  await signIn(page, people.tutor.email);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('button', { name: new RegExp(title) }).click();
  await expect(
    page.getByRole('dialog', { name: title }).getByLabel(`${people.learner.name}: Accepted`),
  ).toBeVisible();
});

test('a learner cannot send meetings: the new-item form offers only a task', async ({
  page,
  tenant: { people },
}) => {
  await signIn(page, people.otherLearner.email);
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New item' });
  await expect(dialog.getByRole('combobox', { name: 'Type' })).toHaveCount(0);
  await dialog.getByLabel('Title').fill('Practise interview answers');
  await dialog.getByLabel('Date').fill(DateTime.now().setZone('Europe/London').toISODate() ?? '');
  await dialog.getByLabel('Start time').fill('12:00');
  await dialog.getByLabel('End time').fill('12:30');
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: /Task: Practise interview answers/ })).toBeVisible();
});
